#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the embedded demo project: the shipped arith-demo model, the math rubric,
# 512 training and 200 test prompts of the arith task, and one real RLRF iteration
# (samples, critiques, refinements, pairs, a DPO step to M1, evaluations), so every
# area of the workbench has something real to show on first start.
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
"$rlrf" task sample --task arith --split train --n 512 --seed 11 > "$tmp/train.jsonl"
"$rlrf" task sample --task arith --split test --n 200 --seed 12 > "$tmp/test.jsonl"
"$rlrf" import "$out" --format jsonl --input "$tmp/train.jsonl" --split train --answer-field answer > /dev/null
"$rlrf" import "$out" --format jsonl --input "$tmp/test.jsonl" --split test --answer-field answer > /dev/null
echo "==> one RLRF iteration on the demo project (a few minutes on 2 cores)"
"$rlrf" run "$out" --iterations 1 --auto-approve --prompts 64 --eval-n 100 > /dev/null
echo "==> demo project: $out"
