#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Kill soak: SIGKILL a real run at N random moments, resume it after each kill,
# and check that the finished project holds exactly the rows an uninterrupted
# run with the same seed holds.
#
#   tests/soak/kill_soak.sh RLRF N     `rlrf run` (sampling, judging, refinement,
#                                      the supervised pass, DPO steps, checkpoint
#                                      writes, evaluation) on a small demo project
#   tests/soak/kill_soak.sh RRR N      `rlrf rrr` (evaluation, mining, reflect/retry
#                                      steps, step checkpoints, the final save)
#
# A kill lands at a random time after the start, and every fourth one the moment
# a checkpoint folder is being written. When a run finishes before the N kills
# are spent, its project is compared with the reference and a fresh copy starts
# another cycle. Each kill prints the stage it hit (from the run's last log
# line). Last line: `kills: N, lost: L, duplicated: D, orphans: O`; the exit
# status is 0 only when all three are 0.
#
# Environment: RLRF_BIN (default build/bin/rlrf), SOAK_DIR (default: a temporary
# folder, removed at the end unless SOAK_KEEP=1), SOAK_SEED (random seed of the
# kill times, default: the time). Needs python3 (standard library only) for the
# row comparison, tests/soak/compare_projects.py.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-}
kills_wanted=${2:-}
if [[ ! "$mode" =~ ^(RLRF|RRR)$ ]] || [[ ! "$kills_wanted" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 RLRF|RRR N" >&2
  exit 2
fi
rlrf=${RLRF_BIN:-$root/build/bin/rlrf}
[ -x "$rlrf" ] || { echo "kill_soak: no rlrf program at $rlrf (build first, or set RLRF_BIN)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "kill_soak: python3 is needed for the row comparison" >&2; exit 2; }
work=${SOAK_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ "${SOAK_KEEP:-0}" = 1 ] || [ -n "${SOAK_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
RANDOM=${SOAK_SEED:-$(date +%s)}
# One thread: the run is then bit-for-bit repeatable, so rows can be compared
# by content.
export RLRF_THREADS=1

run_args() { # the command under test, on project $1
  if [ "$mode" = RLRF ]; then
    echo run "$1" --iterations 2 --auto-approve --prompts 32 --eval-n 40 --batch-prompts 8 --seed 7
  else
    echo rrr "$1" --task arith --seed 7 --train-queries 48 --mine-samples 2 --mine-temperature 1 --test-queries 40 \
         --group-size 4 --failures-per-step 4 --max-steps 8 --checkpoint-every 2
  fi
}

echo "==> making a small demo project in $work"
base=$work/base.rlrf
"$rlrf" project new "$base" --model "$root/resources/models/arith-demo" --task arith \
        --rubric "$root/rubrics/math.json" > /dev/null 2>&1
"$rlrf" task sample --task arith --split train --n 64 --seed 11 > "$work/train.jsonl"
"$rlrf" task sample --task arith --split test --n 40 --seed 12 > "$work/test.jsonl"
"$rlrf" import "$base" --format jsonl --input "$work/train.jsonl" --split train --answer-field answer > /dev/null 2>&1
"$rlrf" import "$base" --format jsonl --input "$work/test.jsonl" --split test --answer-field answer > /dev/null 2>&1

echo "==> reference: one uninterrupted run"
cp "$base" "$work/ref.rlrf"
started=$(date +%s%N)
# shellcheck disable=SC2046
"$rlrf" $(run_args "$work/ref.rlrf") > "$work/ref.out" 2> "$work/ref.err" \
  || { tail -20 "$work/ref.err" >&2; echo "kill_soak: the reference run failed" >&2; exit 1; }
ref_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "    took $ref_ms ms"

stage_of() { # the stage a log's last lines show
  local line
  line=$(grep -E '\] (info|warn):' "$1" | tail -1 || true)
  case "$line" in
    *"checkpoint"*|*"saved "*) echo "checkpoint write" ;;
    *"dpo step"*|*"DPO on"*|*"reference log-probs"*) echo "dpo" ;;
    *"sft"*|*"supervised"*) echo "supervised pass" ;;
    *"rrr step"*|*"mined "*) echo "reflect/retry steps" ;;
    *"mine"*) echo "mining" ;;
    *"evaluat"*|*" on "*" test"*) echo "evaluation" ;;
    *"refine"*) echo "refinement" ;;
    *"critique"*|*"judg"*) echo "judging" ;;
    *"sample"*) echo "sampling" ;;
    *"loading"*|*"loaded"*) echo "loading" ;;
    *) echo "start" ;;
  esac
}

kills=0 lost=0 duplicated=0 orphans=0 cycle=0
declare -A hits
while [ "$kills" -lt "$kills_wanted" ]; do
  cycle=$((cycle + 1))
  project=$work/cycle$cycle.rlrf
  cp "$base" "$project"
  echo "==> cycle $cycle"
  while :; do
    log=$work/cycle$cycle.round$kills.err
    # shellcheck disable=SC2046
    "$rlrf" $(run_args "$project") > "$work/cycle$cycle.out" 2> "$log" &
    pid=$!
    at_checkpoint=0
    if [ $(( (kills + 1) % 4 )) -eq 0 ]; then
      # Wait for a checkpoint folder being written (a *.tmp folder), at most the
      # reference's whole time.
      at_checkpoint=1
      deadline=$(( $(date +%s%N) / 1000000 + ref_ms ))
      while kill -0 "$pid" 2>/dev/null && [ "$(( $(date +%s%N) / 1000000 ))" -lt "$deadline" ]; do
        if find "${project%.rlrf}.runs" -maxdepth 4 -name '*.tmp' -newer "$log" -print -quit 2>/dev/null \
             | grep -q .; then break; fi
        sleep 0.005
      done
    else
      delay=$(( 100 + RANDOM % (ref_ms > 100 ? ref_ms : 100) ))
      sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    fi
    if kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      # A run prints its result as its very last act: a kill after that hit a
      # finished run (started again, it would start a new one). Not a kill.
      if [ -s "$work/cycle$cycle.out" ]; then
        echo "    (the run had finished when the kill came; not counted)"
        break
      fi
      kills=$((kills + 1))
      stage=$(stage_of "$log")
      [ "$at_checkpoint" = 1 ] && [ "$stage" != "checkpoint write" ] && stage="$stage (waiting for a checkpoint)"
      hits[$stage]=$(( ${hits[$stage]:-0} + 1 ))
      echo "    kill $kills: $stage"
      [ "$kills" -lt "$kills_wanted" ] && continue
      # The last kill: resume once more to the end.
      # shellcheck disable=SC2046
      "$rlrf" $(run_args "$project") > "$work/cycle$cycle.out" 2> "$log.final" \
        || { tail -20 "$log.final" >&2; echo "kill_soak: the resumed run failed" >&2; exit 1; }
      break
    fi
    # The run ended before the kill: it must have ended well.
    if ! wait "$pid"; then
      tail -20 "$log" >&2
      echo "kill_soak: a resumed run failed (cycle $cycle)" >&2
      exit 1
    fi
    break
  done
  result=$(python3 "$here/compare_projects.py" "$work/ref.rlrf" "$project")
  echo "$result" | sed 's/^/    /'
  last=$(echo "$result" | tail -1)
  [[ "$last" =~ lost:\ ([0-9]+),\ duplicated:\ ([0-9]+),\ orphans:\ ([0-9]+) ]] \
    || { echo "kill_soak: no comparison result" >&2; exit 1; }
  lost=$((lost + BASH_REMATCH[1]))
  duplicated=$((duplicated + BASH_REMATCH[2]))
  orphans=$((orphans + BASH_REMATCH[3]))
done

echo "==> kills by stage"
for stage in "${!hits[@]}"; do printf '    %-40s %d\n' "$stage" "${hits[$stage]}"; done | sort
echo "kills: $kills, lost: $lost, duplicated: $duplicated, orphans: $orphans"
[ "$lost" -eq 0 ] && [ "$duplicated" -eq 0 ] && [ "$orphans" -eq 0 ]
