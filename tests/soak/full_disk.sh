#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A disk that fills up under a real `rlrf run`, on a small tmpfs mounted for the
# purpose (needs root, or a user allowed to mount): once while the project file
# grows during sampling, once while the supervised pass writes a checkpoint.
# Each time the run must stop with a message that says the disk is full and
# names the file, leave the project file intact (SQLite's integrity check) with
# no checkpoint registered for the half-written folder, and, once space is
# back, resume to the end and hold exactly the rows of an uninterrupted run
# (compare_projects.py; the record of the pass the full disk stopped, kept as
# 'failed', is set aside). Last line: `full disk: 2 cases, lost: L, duplicated: D,
# orphans: O`; exit status 0 only when every check held.
#
#   tests/soak/full_disk.sh            Environment: RLRF_BIN (default build/bin/rlrf)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
rlrf=${RLRF_BIN:-$root/build/bin/rlrf}
[ -x "$rlrf" ] || { echo "full_disk: no rlrf program at $rlrf (build first, or set RLRF_BIN)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "full_disk: python3 is needed for the row comparison" >&2; exit 2; }
work=$(mktemp -d)
disk=$work/disk
mkdir -p "$disk"
if ! mount -t tmpfs -o size=80m tmpfs "$disk" 2>/dev/null; then
  rm -rf "$work"
  echo "full_disk: cannot mount a tmpfs here (run as root); nothing was tested" >&2
  exit 2
fi
trap 'umount "$disk" 2>/dev/null || true; rm -rf "$work"' EXIT
export RLRF_THREADS=1 # bit-for-bit repeatable runs: rows compare by content
args=(--iterations 2 --auto-approve --prompts 32 --eval-n 40 --batch-prompts 8 --seed 7)

echo "==> a small demo project and an uninterrupted reference run"
base=$work/base.rlrf
"$rlrf" project new "$base" --model "$root/resources/models/arith-demo" --task arith \
        --rubric "$root/rubrics/math.json" > /dev/null 2>&1
"$rlrf" task sample --task arith --split train --n 64 --seed 11 > "$work/train.jsonl"
"$rlrf" task sample --task arith --split test --n 40 --seed 12 > "$work/test.jsonl"
"$rlrf" import "$base" --format jsonl --input "$work/train.jsonl" --split train --answer-field answer > /dev/null 2>&1
"$rlrf" import "$base" --format jsonl --input "$work/test.jsonl" --split test --answer-field answer > /dev/null 2>&1
cp "$base" "$work/ref.rlrf"
"$rlrf" run "$work/ref.rlrf" "${args[@]}" > /dev/null 2> "$work/ref.err" \
  || { tail -5 "$work/ref.err" >&2; exit 1; }

failures=0 lost=0 duplicated=0 orphans=0
check() { # case name, free KiB left before the run, what the message must say
  local name=$1 free_kib=$2 expect=$3 project=$disk/p.rlrf
  echo "==> $name"
  rm -rf "$disk"/*
  cp "$base" "$project"
  local avail
  avail=$(df -k --output=avail "$disk" | tail -1)
  fallocate -l $(( (avail - free_kib) * 1024 )) "$disk/filler"
  if "$rlrf" run "$project" "${args[@]}" > /dev/null 2> "$work/$name.err"; then
    echo "    FAIL: the run did not stop on the full disk"; failures=$((failures + 1)); return
  fi
  local message
  message=$(grep 'rlrf run: error' "$work/$name.err" | tail -1)
  echo "    says: $message"
  if ! grep -q -- "$expect" <<< "$message"; then
    echo "    FAIL: the message does not say '$expect'"; failures=$((failures + 1))
  fi
  # Intact, and no checkpoint registered that is not whole.
  if ! python3 - "$project" <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
problems = [r[0] for r in db.execute("PRAGMA integrity_check")] + [str(r) for r in db.execute("PRAGMA foreign_key_check")]
if problems != ["ok"]:
    sys.exit(f"    FAIL: the project file is damaged: {problems}")
for (path,) in db.execute("SELECT path FROM checkpoints"):
    if not os.path.exists(os.path.join(path, "config.json")):
        sys.exit(f"    FAIL: a checkpoint is registered for an incomplete folder: {path}")
print("    project file intact, no partial checkpoint registered")
PY
  then failures=$((failures + 1)); fi
  rm -f "$disk/filler" # space is back
  if ! "$rlrf" run "$project" "${args[@]}" > /dev/null 2> "$work/$name.resume.err"; then
    tail -5 "$work/$name.resume.err" >&2
    echo "    FAIL: the run did not resume once space was back"; failures=$((failures + 1)); return
  fi
  local result last
  # The pass the full disk stopped stays on record as failed: set aside.
  result=$(python3 "$here/compare_projects.py" --set-aside-failed "$work/ref.rlrf" "$project")
  echo "$result" | sed 's/^/    /'
  last=$(tail -1 <<< "$result")
  [[ "$last" =~ lost:\ ([0-9]+),\ duplicated:\ ([0-9]+),\ orphans:\ ([0-9]+) ]]
  lost=$((lost + BASH_REMATCH[1])); duplicated=$((duplicated + BASH_REMATCH[2])); orphans=$((orphans + BASH_REMATCH[3]))
}

# 200 KiB: the project file's first commits during sampling fill it.
check sampling 200 "the disk is full"
# 3.5 MiB: sampling and judging fit, the supervised pass's checkpoint does not.
check checkpoint 3500 "No space left on device"

echo "full disk: 2 cases, lost: $lost, duplicated: $duplicated, orphans: $orphans"
[ "$failures" -eq 0 ] && [ "$lost" -eq 0 ] && [ "$duplicated" -eq 0 ] && [ "$orphans" -eq 0 ]
