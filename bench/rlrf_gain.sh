#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures what RLRF gains on the arith demo: for each seed, one RLRF run and one
# reward-only baseline run (same budget) of ITERATIONS iterations from the same
# model, each in its own project built like the demo project (the math rubric,
# the same 4,096 train and 500 test prompts). Prints one JSON summary line per run (the `rlrf run` output) and a table
# of held-out accuracy per model, plus seconds per stage.
#
#   bench/rlrf_gain.sh RLRF MODEL_DIR OUT_DIR [SEEDS] [ITERATIONS] [-- extra rlrf run options]
#   e.g. bench/rlrf_gain.sh build/bin/rlrf resources/models/arith-demo /tmp/gain "1 2 3" 2
# EVAL_N (default 500) sets the held-out problems evaluated per model, TRAIN_N
# (default 4096, as in the demo project) the training prompts imported, MODES
# (default "rlrf baseline") which runs to make, TRAIN_SEED and TEST_SEED (default
# 11 and 12, the demo project's) the seeds its train and test problems are drawn with.
# Modes: rlrf (every default), baseline (reward-only: --baseline), and RLRF's
# ablations, each leaving one part out: no-refine (--refinements 0 --samples 6,
# the same six answers per prompt, all sampled), no-dpo (--no-dpo: the supervised
# pass alone), no-sft (--sft-epochs 0: DPO alone).
set -eu

rlrf=$1
model=$2
out=$3
seeds=${4:-"1 2 3"}
iterations=${5:-2}
shift $(( $# < 5 ? $# : 5 ))
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")/.." && pwd)
model=$(cd "$model" && pwd)

mkdir -p "$out"
cd "$out"
"$rlrf" task sample --task arith --split train --n "${TRAIN_N:-4096}" --seed "${TRAIN_SEED:-11}" > train.jsonl
"$rlrf" task sample --task arith --split test --n 500 --seed "${TEST_SEED:-12}" > test.jsonl

for seed in $seeds; do
  for mode in ${MODES:-rlrf baseline}; do
    project="$mode-$seed.rlrf"
    rm -rf "$project" "$project-wal" "$project-shm" "$mode-$seed.runs"
    "$rlrf" project new "$project" --model "$model" --task arith --rubric "$here/rubrics/math.json" > /dev/null
    "$rlrf" import "$project" --format jsonl --input train.jsonl --split train --answer-field answer > /dev/null 2>&1
    "$rlrf" import "$project" --format jsonl --input test.jsonl --split test --answer-field answer > /dev/null 2>&1
    case $mode in
      rlrf) flag="" ;;
      baseline) flag="--baseline" ;;
      no-refine) flag="--refinements 0 --samples 6" ;;
      no-dpo) flag="--no-dpo" ;;
      no-sft) flag="--sft-epochs 0" ;;
      *) echo "unknown mode '$mode' (rlrf, baseline, no-refine, no-dpo, no-sft)" >&2; exit 2 ;;
    esac
    nice -n 5 "$rlrf" run "$project" --iterations "$iterations" --auto-approve --seed "$seed" --eval-n "${EVAL_N:-500}" $flag "$@" \
      > "$mode-$seed.json" 2> "$mode-$seed.log" || echo "rlrf run failed: see $out/$mode-$seed.log" >&2
    cat "$mode-$seed.json"
  done
done

python3 - "$iterations" "${MODES:-rlrf baseline}" $seeds <<'PY'
import json, sys
iterations = int(sys.argv[1]); modes = sys.argv[2].split(); seeds = sys.argv[3:]
print("\nheld-out accuracy (the project's test problems, greedy)")
print("mode      seed  " + "  ".join(f"M{i:<5}" for i in range(iterations + 1)) + "  s/iteration")
for mode in modes:
    for seed in seeds:
        try:
            r = json.load(open(f"{mode}-{seed}.json"))
        except (OSError, ValueError):
            print(f"{mode:<9} {seed:<5} (no result)")
            continue
        acc = [r["evaluations"].get(f"M{i}", {}).get("accuracy") for i in range(iterations + 1)]
        secs = [sum(v for k, v in r["seconds"].get(str(i), {}).items() if k != "evaluate") for i in range(iterations)]
        print(f"{mode:<9} {seed:<5} " + "  ".join("  -   " if a is None else f"{a:.4f}" for a in acc)
              + "  " + " ".join(f"{s:.0f}" for s in secs))
PY
