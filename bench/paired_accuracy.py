#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Held-out accuracy of RLRF runs, paired on the same problems, from project files.

Reads the judged answers every evaluation stores (the eval_answers table) of the
newest RLRF-pipeline run in each project file. Needs only Python's standard library.

  bench/paired_accuracy.py [--split test] [--from I] [--to J] P.rlrf [P.rlrf ...]
      per project: M_I and M_J, the gain M_J - M_I with its paired standard error,
      the problems right only at M_J and only at M_I; then over the projects the
      mean gain, its standard deviation and a one-sample t statistic.

  bench/paired_accuracy.py [--split test] --group NAME P.rlrf ... --group NAME P.rlrf ...
      one table row per group (a variant, one project per seed, all on the same
      test problems): mean accuracy of every model M0..MK over the group's projects;
      then each later group against the first at every model, paired per seed on the
      problems' text: the mean difference over the seeds, the per-seed differences,
      and the paired standard error pooled over seeds and problems.
"""
import argparse
import math
import os
import sqlite3
import sys


def answers(path, split):
    """{iteration: {problem text: correct}} of the newest RLRF run in `path`."""
    if not os.path.isfile(path):
        sys.exit(f"{path}: no such project file")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    row = db.execute("SELECT id FROM runs WHERE kind = 'rlrf' ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        sys.exit(f"{path}: no RLRF run")
    out = {}
    for iteration, text, correct in db.execute(
            "SELECT a.iteration, p.text, a.correct FROM eval_answers a JOIN prompts p ON p.id = a.prompt_id "
            "WHERE a.run_id = ? AND a.split = ? AND a.correct IS NOT NULL", (row[0], split)):
        out.setdefault(iteration, {})[text] = int(correct)
    if not out:
        sys.exit(f"{path}: run {row[0]} has no judged answers on the {split} split")
    return out


def paired(a, b):
    """Mean of b - a over the problems both have, its standard error, and counts."""
    common = sorted(set(a) & set(b))
    d = [b[k] - a[k] for k in common]
    n = len(d)
    mean = sum(d) / n
    var = sum((x - mean) ** 2 for x in d) / (n - 1) if n > 1 else 0.0
    return mean, math.sqrt(var / n), n, d.count(1), d.count(-1)


def over(values):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else float("nan")
    return mean, sd, n


def accuracy(run):
    return sum(run.values()) / len(run)


def gains(paths, split, first, last):
    print(f"project                      M{first}     M{last}     gain   ±SE    z     only M{last}  only M{first}")
    per_project = []
    for path in paths:
        runs = answers(path, split)
        if first not in runs or last not in runs:
            sys.exit(f"{path}: no evaluation of M{first} or M{last}")
        mean, se, n, up, down = paired(runs[first], runs[last])
        per_project.append(mean)
        z = mean / se if se > 0 else float("nan")
        print(f"{path[-28:]:<28} {accuracy(runs[first]):.3f}  {accuracy(runs[last]):.3f}  {100 * mean:+5.1f}  "
              f"{100 * se:4.1f}  {z:5.2f}  {up:8d}  {down:8d}")
    mean, sd, n = over(per_project)
    if n > 1:
        t = mean / (sd / math.sqrt(n))
        print(f"over {n} projects: mean gain {100 * mean:+.1f} points, sd {100 * sd:.1f}, "
              f"t {t:.2f} (df {n - 1})")


def groups(named, split):
    loaded = [(name, [answers(p, split) for p in paths]) for name, paths in named]
    models = sorted(set.intersection(*(set(r) for _, runs in loaded for r in runs)))
    print("group                                seeds  " + "  ".join(f"M{m:<6}" for m in models))
    for name, runs in loaded:
        cells = []
        for m in models:
            mean, sd, n = over([accuracy(r[m]) for r in runs])
            cells.append(f"{mean:.3f}" + (f"±{sd:.3f}" if n > 1 else "      "))
        print(f"{name:<36} {len(runs):>5}  " + "  ".join(cells))
    base_name, base = loaded[0]
    print(f"\nagainst {base_name}, paired per seed on the same problems (points; ±: pooled paired SE)")
    for name, runs in loaded[1:]:
        cells = []
        for m in models:
            per_seed, diffs = [], []
            for a, b in zip(base, runs):
                mean, _, _, _, _ = paired(a[m], b[m])
                per_seed.append(mean)
                common = set(a[m]) & set(b[m])
                diffs.extend(b[m][k] - a[m][k] for k in common)
            pooled_mean, pooled_sd, n = over(diffs)
            se = pooled_sd / math.sqrt(n)
            cells.append(f"M{m} {100 * sum(per_seed) / len(per_seed):+.1f}±{100 * se:.1f} ("
                         + " ".join(f"{100 * d:+.1f}" for d in per_seed) + ")")
        print(f"{name:<36} " + "  ".join(cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test")
    parser.add_argument("--from", dest="first", type=int, default=0)
    parser.add_argument("--to", dest="last", type=int, default=2)
    parser.add_argument("--group", nargs="+", action="append", metavar=("NAME", "P.rlrf"))
    parser.add_argument("projects", nargs="*")
    args = parser.parse_args()
    if args.group:
        if args.projects:
            parser.error("give projects either after --group NAME or alone, not both")
        for g in args.group:
            if len(g) < 2:
                parser.error(f"--group {g[0]}: name at least one project")
        groups([(g[0], g[1:]) for g in args.group], args.split)
    elif args.projects:
        gains(args.projects, args.split, args.first, args.last)
    else:
        parser.error("name at least one project file")


if __name__ == "__main__":
    main()
