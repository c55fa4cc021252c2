#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures what Reflect, Retry, Reward does: for each seed, one `rlrf rrr` run
# from MODEL in its own project, then per seed and over the seeds: first- and
# second-try accuracy (greedy, on the same held-out queries for every seed)
# before and after training, the retry after the model's own and after a
# perfect reflection (the headroom), the reflections' length, the KL to the start
# model and the training reward's first and last tenth.
#
# Standard errors: per seed, of the paired difference over the held-out queries
# (from the project's rrr_eval_queries); over the seeds, the larger of the seeds'
# spread (sd / sqrt(seeds)) and the pooled paired one. Needs python3 (bench only).
#
#   [TASK=arith|countdown] bench/rrr_gain.sh RLRF MODEL_DIR OUT_DIR [SEEDS] [-- extra rlrf rrr options]
#   e.g. bench/rrr_gain.sh build/bin/rlrf resources/models/arith-reflect-demo /tmp/rrr "4 5 6" -- --test-seed 1
#        TASK=countdown bench/rrr_gain.sh build/bin/rlrf resources/models/countdown-demo /tmp/rrr-cd "4 5 6"
# The default seeds 4 5 6 are none of the shipped demo models' data seeds (1, 2
# and 3: with those the training queries are problems the model was fine-tuned
# on, and `rlrf rrr` warns).
# The last line is JSON: {"second_gain", "second_gain_se", "first_change", "seeds"}.
set -eu

rlrf=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
model=$(cd "$2" && pwd)
out=$3
here=$(cd "$(dirname "$0")/.." && pwd)
seeds=${4:-"4 5 6"}
task=${TASK:-arith}
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift

mkdir -p "$out"
cd "$out"
for seed in $seeds; do
  project="rrr-$seed.rlrf"
  rm -rf "$project" "$project-wal" "$project-shm" "$project.runs"
  "$rlrf" project new "$project" --model "$model" --task "$task" --rubric "$here/rubrics/math.json" \
    > /dev/null 2> "rrr-$seed.setup.log" || { cat "rrr-$seed.setup.log" >&2; exit 1; }
  nice -n 5 "$rlrf" rrr "$project" --task "$task" --seed "$seed" --json "$@" > "rrr-$seed.json" 2> "rrr-$seed.log" \
    || echo "rlrf rrr failed: see $out/rrr-$seed.log" >&2
  tail -n 1 "rrr-$seed.json"
done

python3 - $seeds <<'PY'
import json, math, sqlite3, sys

def metric_series(log, key):
    values = []
    for line in log:
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if isinstance(m, dict) and key in m:
            values.append(m[key])
    return values

def tenths(values):
    if not values:
        return float("nan"), float("nan")
    k = max(1, len(values) // 10)
    return sum(values[:k]) / k, sum(values[-k:]) / k

def paired(db, phase_a, phase_b):
    """Per held-out query, solved by either try, before and after: the mean
    paired difference and its standard error."""
    rows = {}
    for phase, pos, first, own in db.execute(
            "SELECT phase, position, first_correct, own_correct FROM rrr_eval_queries ORDER BY phase, position"):
        rows.setdefault(pos, {})[phase] = 1 if (first or own) else 0
    d = [r[phase_b] - r[phase_a] for r in rows.values() if phase_a in r and phase_b in r]
    if len(d) < 2:
        return float("nan"), float("nan"), len(d)
    mean = sum(d) / len(d)
    var = sum((x - mean) ** 2 for x in d) / (len(d) - 1)
    return mean, math.sqrt(var / len(d)), len(d)

def headroom(db, phase):
    r = db.execute("SELECT COUNT(*), SUM(own_correct), SUM(oracle_correct) FROM rrr_eval_queries "
                   "WHERE phase = ? AND first_correct = 0", (phase,)).fetchone()
    n = r[0] or 0
    return (r[1] or 0) / n if n else float("nan"), (r[2] or 0) / n if n else float("nan"), n

print("\nseed  first b→a      second b→a     gain (±SE)      own b→a       oracle b→a    refl tok b→a  KL last  reward first/last tenth")
gains, ses, firsts = [], [], []
for seed in sys.argv[1:]:
    try:
        lines = [l for l in open(f"rrr-{seed}.json").read().split("\n") if l.strip()]
        r = json.loads(lines[-1])
        b, a = r["before"], r["after"]
        log = open(f"rrr-{seed}.log").read().split("\n")
        db = sqlite3.connect(f"rrr-{seed}.rlrf")
    except (OSError, ValueError, IndexError, KeyError, sqlite3.Error):
        print(f"{seed:<5} (no result: see rrr-{seed}.log)")
        continue
    gain, se, n = paired(db, "before", "after")
    own_b, orc_b, _ = headroom(db, "before")
    own_a, orc_a, _ = headroom(db, "after")
    rb, ra = b.get("reflection_tokens", float("nan")), a.get("reflection_tokens", float("nan"))
    kl = tenths(metric_series(log, "rrr/kl"))[1]
    rw = tenths(metric_series(log, "rrr/reward_mean"))
    gains.append(a["second"] - b["second"]); ses.append(se); firsts.append(a["first"] - b["first"])
    print(f"{seed:<5} {b['first']:.3f}→{a['first']:.3f}  {b['second']:.3f}→{a['second']:.3f}  "
          f"{100 * (a['second'] - b['second']):+5.1f} (±{100 * se:.1f})  {own_b:.3f}→{own_a:.3f}  "
          f"{orc_b:.3f}→{orc_a:.3f}  {rb:5.1f}→{ra:5.1f}   {kl:.4f}   {rw[0]:.3f} / {rw[1]:.3f}")

if gains:
    k = len(gains)
    mean = sum(gains) / k
    spread = math.sqrt(sum((g - mean) ** 2 for g in gains) / (k - 1) / k) if k > 1 else float("nan")
    pooled = math.sqrt(sum(s * s for s in ses)) / k
    se = max(x for x in (spread, pooled) if x == x) if (spread == spread or pooled == pooled) else float("nan")
    first = sum(firsts) / k
    print(f"\nmean over {k} seeds: second-try gain {100 * mean:+.1f} points (SE {100 * se:.1f}: seeds {100 * spread:.1f}, "
          f"paired {100 * pooled:.1f}); first-try change {100 * first:+.1f} points")
    print(json.dumps({"second_gain": round(mean, 4), "second_gain_se": round(se, 4),
                      "first_change": round(first, 4), "seeds": k}))
PY
