#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the embedded demo project: the shipped arith-demo model, the math rubric,
# 4,096 training and 500 test prompts of the arith task (enough for two full
# iterations at the default 2,048 prompts each), two short real RLRF
# iterations (samples, critiques, refinements, pairs, DPO to M1 and M2,
# evaluations with win rates) and a short Reflect-Retry-Reward run, so every area
# of the workbench has something real to show on first start.
#
#   resources/make_demo_project.sh RLRF_BINARY OUT.rlrf
set -eu
rlrf=$1
out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f "$out" "$out-wal" "$out-shm"
"$rlrf" project new "$out" --model "$here/resources/models/arith-demo" --task arith \
        --rubric "$here/rubrics/math.json" > /dev/null
"$rlrf" task sample --task arith --split train --n 4096 --seed 11 > "$tmp/train.jsonl"
"$rlrf" task sample --task arith --split test --n 500 --seed 12 > "$tmp/test.jsonl"
"$rlrf" import "$out" --format jsonl --input "$tmp/train.jsonl" --split train --answer-field answer > /dev/null
"$rlrf" import "$out" --format jsonl --input "$tmp/test.jsonl" --split test --answer-field answer > /dev/null
echo "==> two short RLRF iterations and a short Reflect-Retry-Reward run (about a minute on 2 cores)"
"$rlrf" run "$out" --iterations 2 --auto-approve --prompts 64 --eval-n 100 > /dev/null
# Its per-step metric lines are kept out of the console unless the run fails.
# The Reflect-Retry-Reward run trains arith-reflect-demo, the model whose retry
# follows its reflection, so the RRR area's Headroom tab has a gap to show.
"$rlrf" rrr "$out" --task arith --model "$here/resources/models/arith-reflect-demo" --train-queries 64 --mine-samples 2 --mine-temperature 1 --test-queries 50 --group-size 4 \
        --failures-per-step 4 --max-steps 6 > /dev/null 2> "$tmp/rrr.log" || { cat "$tmp/rrr.log" >&2; exit 1; }
echo "==> demo project: $out"
