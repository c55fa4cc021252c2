#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare two RLRF Workbench project files row by row, ignoring row ids and
timestamps: every row is reduced to its content, with references to other rows
replaced by that row's content (a candidate by its prompt, text and seed, a
metric point by its run's kind and iteration, ...). Prints, per table, the rows
the reference has and the other lacks (lost) and the rows the other has too
many times (duplicated); then the orphans of the other project: foreign keys
that point nowhere, checkpoint folders on disk that no row registers, and
registered checkpoints whose folder is incomplete. Last line:
    lost: L, duplicated: D, orphans: O

Usage: compare_projects.py [--set-aside-failed] REFERENCE.rlrf OTHER.rlrf

--set-aside-failed leaves out the other project's training passes that ended
'failed' (with their points): the record of a pass an outside fault stopped (a
full disk), which the run then did again.
Only the Python standard library is used (sqlite3): this is test tooling, the
product never needs Python."""
import collections
import os
import sqlite3
import sys


def rounded(value):
    return None if value is None else round(float(value), 5)


def is_timing(key):
    return "per_second" in key or key.startswith("time/") or key.endswith("seconds")


def load(path, set_aside_failed=False):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    # Paths inside rows (run settings, checkpoint folders) name the project's own
    # file; two projects compare equal when they differ only there.
    stem = os.path.splitext(os.path.abspath(path))[0]
    norm = lambda cell: cell.replace(stem, "P") if isinstance(cell, str) else cell
    q = lambda sql: [tuple(map(norm, row)) for row in db.execute(sql).fetchall()]
    prompts = {i: (text, split) for i, text, split in q("SELECT id, text, split FROM prompts")}
    runs = {i: (kind, it, hp, status) for i, kind, it, hp, status in
            q("SELECT id, kind, iteration, hyper_parameters, status FROM runs")}
    set_aside = {i for i, (kind, _, _, status) in runs.items()
                 if set_aside_failed and status == "failed" and kind in ("sft", "dpo")}
    if set_aside:
        print(f"set aside: {len(set_aside)} failed training pass(es)")
    base = os.path.dirname(os.path.abspath(path))
    checkpoints = {}
    for i, p, parent, it, run in q("SELECT id, path, parent_id, iteration, run_id FROM checkpoints ORDER BY id"):
        checkpoints[i] = (p, it,
                          runs.get(run, run) if run else None)
    candidates = {}
    for i, pr, it, ck, text, seed, parent in q(
            "SELECT id, prompt_id, iteration, checkpoint_id, text, seed, parent_candidate_id FROM candidates ORDER BY id"):
        candidates[i] = (prompts[pr], it, checkpoints.get(ck), text, seed, candidates.get(parent))
    critiques = {i: (candidates.get(c), judge, rounded(overall), rounded(reward), raw)
                 for i, c, judge, overall, reward, raw in
                 q("SELECT id, candidate_id, judge, overall, reward, raw_output FROM critiques")}
    pairs = {i: (prompts.get(p), candidates.get(c), candidates.get(r), rule, rounded(gap), state, ct, rt)
             for i, p, c, r, rule, gap, state, ct, rt in
             q("SELECT id, prompt_id, chosen_candidate_id, rejected_candidate_id, rule, gap, review_state,"
               " chosen_text, rejected_text FROM pairs")}
    failures = {i: (runs.get(r), pid, prompt, attempt, reason) for i, r, pid, prompt, attempt, reason in
                q("SELECT id, run_id, problem_id, prompt, attempt, reason FROM rrr_failures")}

    tables = {
        "project_meta": q("SELECT key, value FROM project_meta"),
        "rubric_versions": q("SELECT name, version, json FROM rubric_versions"),
        "prompts": list(prompts.values()),
        "runs": [r for i, r in runs.items() if i not in set_aside],
        "checkpoints": list(checkpoints.values()),
        "candidates": list(candidates.values()),
        "critiques": list(critiques.values()),
        "critique_aspects": [(critiques.get(c), pos, a, r, why) for c, pos, a, r, why in
                             q("SELECT critique_id, position, aspect, rating, rationale FROM critique_aspects")],
        "pairs": list(pairs.values()),
        "pair_history": [(pairs.get(p), action, old, new, author) for p, action, old, new, author in
                         q("SELECT pair_id, action, old_value, new_value, author FROM pair_history")],
        # Speeds and durations differ between any two runs; their presence counts.
        "metric_points": [(runs.get(r), step, key, None if is_timing(key) else rounded(v)) for r, step, key, v in
                          q("SELECT run_id, step, key, value FROM metric_points") if r not in set_aside],
        "eval_results": [(runs.get(r), it, split, metric, rounded(v), n) for r, it, split, metric, v, n in
                         q("SELECT run_id, iteration, split, metric, value, n FROM eval_results")],
        "stage_states": [(runs.get(r), it, stage, status) for r, it, stage, status in
                         q("SELECT run_id, iteration, stage, status FROM stage_states")],
        "stage_items": [(runs.get(r), it, stage, prompts.get(p)) for r, it, stage, p in
                        q("SELECT run_id, iteration, stage, prompt_id FROM stage_items")],
        "eval_answers": [(runs.get(r), it, split, prompts.get(p), a, rounded(o), c) for r, it, split, p, a, o, c in
                         q("SELECT run_id, iteration, split, prompt_id, answer, overall, correct FROM eval_answers")],
        "rrr_failures": list(failures.values()),
        "rrr_reflections": [(failures.get(f), step, refl, retry, rounded(rw), rounded(adv), n)
                            for f, step, refl, retry, rw, adv, n in
                            q("SELECT failure_id, step, reflection, retry, reward, advantage, reflection_tokens"
                              " FROM rrr_reflections")],
    }
    fk_problems = q("PRAGMA foreign_key_check")
    registered = [p if os.path.isabs(p) else os.path.join(base, p)
                  for (p,) in db.execute("SELECT path FROM checkpoints").fetchall()]
    db.close()
    return tables, fk_problems, registered


def folders_on_disk(project):
    """Model folders (a config.json inside) and half-written ones (*.tmp) under
    the project's run folders: P.runs (RLRF iterations) and P.rlrf.runs (RRR)."""
    found = set()
    for runs_dir in (os.path.splitext(project)[0] + ".runs", project + ".runs"):
        for root, dirs, files in os.walk(runs_dir):
            rel = os.path.relpath(root, os.path.dirname(runs_dir))
            rel = rel.replace(os.path.basename(runs_dir), "RUNS:" + runs_dir[len(os.path.splitext(project)[0]):], 1)
            if os.path.basename(root).endswith(".tmp"):
                found.add((root, rel))
            elif "config.json" in files and "reference_cache" not in root:
                found.add((root, rel))
    return found


def main():
    argv = sys.argv[1:]
    set_aside_failed = "--set-aside-failed" in argv
    argv = [a for a in argv if a != "--set-aside-failed"]
    if len(argv) != 2:
        sys.exit(__doc__)
    ref_path, other_path = argv
    ref, _, _ = load(ref_path)
    other, fk_problems, registered = load(other_path, set_aside_failed)
    lost = duplicated = 0
    for name in ref:
        a, b = collections.Counter(map(repr, ref[name])), collections.Counter(map(repr, other[name]))
        missing, extra = a - b, b - a
        lost += sum(missing.values())
        duplicated += sum(extra.values())
        if missing or extra:
            print(f"{name}: {sum(missing.values())} lost, {sum(extra.values())} extra")
            for row in list(missing)[:3]:
                print(f"  lost:  {row[:300]}")
            for row in list(extra)[:3]:
                print(f"  extra: {row[:300]}")

    orphans = len(fk_problems)
    for row in fk_problems:
        print(f"orphan row: {row}")
    ref_rel = {rel for _, rel in folders_on_disk(ref_path)}
    for folder, rel in sorted(folders_on_disk(other_path)):
        if folder.endswith(".tmp") or rel not in ref_rel:
            print(f"orphan folder: {rel}")
            orphans += 1
    for path in registered:
        if os.path.isdir(path) and not (os.path.exists(os.path.join(path, "config.json")) and
                                        any(f.endswith(".safetensors") for f in os.listdir(path))):
            print(f"half checkpoint registered: {path}")
            orphans += 1
    print(f"lost: {lost}, duplicated: {duplicated}, orphans: {orphans}")


if __name__ == "__main__":
    main()
