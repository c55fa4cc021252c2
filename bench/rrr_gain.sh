#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures what Reflect, Retry, Reward does on the arith demo: for each seed, one
# `rlrf rrr` run from MODEL in its own project, then a table of first- and
# second-try accuracy (greedy, on the same held-out queries for every seed)
# before and after training, with the training reward's first and last tenth.
#
#   bench/rrr_gain.sh RLRF MODEL_DIR OUT_DIR [SEEDS] [-- extra rlrf rrr options]
#   e.g. bench/rrr_gain.sh build/bin/rlrf resources/models/arith-demo /tmp/rrr "1 2 3" -- --max-steps 150
set -eu

rlrf=$1
model=$(cd "$2" && pwd)
out=$3
here=$(cd "$(dirname "$0")/.." && pwd)
seeds=${4:-"1 2 3"}
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift

mkdir -p "$out"
cd "$out"
for seed in $seeds; do
  project="rrr-$seed.rlrf"
  rm -rf "$project" "$project-wal" "$project-shm" "$project.runs"
  "$rlrf" project new "$project" --model "$model" --task arith --rubric "$here/rubrics/math.json" \
    > /dev/null 2> "rrr-$seed.setup.log" || { cat "rrr-$seed.setup.log" >&2; exit 1; }
  nice -n 5 "$rlrf" rrr "$project" --task arith --seed "$seed" --json "$@" > "rrr-$seed.json" 2> "rrr-$seed.log" \
    || echo "rlrf rrr failed: see $out/rrr-$seed.log" >&2
  tail -n 1 "rrr-$seed.json"
done

python3 - $seeds <<'PY'
import json, sys
print("\nseed  first before  after  second before  after  reward first/last tenth")
for seed in sys.argv[1:]:
    try:
        lines = open(f"rrr-{seed}.json").read().split("\n")
        r = json.loads([l for l in lines if l.strip()][-1])
        b, a = r["before"], r["after"]
        log = open(f"rrr-{seed}.log").read().split("\n")
    except (OSError, ValueError, IndexError, KeyError):
        print(f"{seed:<5} (no result: see rrr-{seed}.log)")
        continue
    rewards = []
    for line in log:
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if isinstance(m, dict) and "rrr/reward_mean" in m:
            rewards.append(m["rrr/reward_mean"])
    tenth = max(1, len(rewards) // 10)
    first = sum(rewards[:tenth]) / tenth if rewards else float("nan")
    last = sum(rewards[-tenth:]) / tenth if rewards else float("nan")
    print(f"{seed:<5} {b['first']:.3f}         {a['first']:.3f}  {b['second']:.3f}          {a['second']:.3f}  "
          f"{first:.3f} / {last:.3f}")
PY
