#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The project next to the PyTorch-eager peer on the same work, in one invocation:
# random Llama models of about 5M and 100M parameters, the same inputs, the same
# thread count, one after the other (never both at once). Prints one table
# (bench/peer_table.py explains its columns) and, last, the line
#   peer ratio: min R, decode64 D, dpo P
# (the smallest project/peer ratio over all rows, then decode at batch 64 and the
# DPO step of the largest model run).
#
# Builds nothing: it takes the bench_peer_project of an existing build
# (`cmake --build build --target bench_peer_project`). The peer needs Debian's
# python3-torch, a benchmark-only dependency (apt-get install python3-torch).
#
#   bench/peer_compare.sh [--build DIR] [--models 5M,100M] [--threads 2] [--out FILE.jsonl]
#
# Environment: PEER_PYTHON (default /usr/bin/python3, the interpreter python3-torch
# installs for).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build models=5M,100M threads=2 out=
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--models 5M,100M] [--threads N] [--out FILE.jsonl]" >&2; exit 2 ;;
  esac
done
python=${PEER_PYTHON:-/usr/bin/python3}
project=$(find "$build" -name bench_peer_project -type f -perm -u+x 2>/dev/null | head -1)
[ -n "$project" ] || { echo "peer_compare.sh: no bench_peer_project under $build (cmake --build $build --target bench_peer_project)" >&2; exit 2; }
"$python" -c 'import torch' 2>/dev/null || { echo "peer_compare.sh: $python cannot import torch (apt-get install python3-torch, or set PEER_PYTHON)" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp --suffix=.jsonl)

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load before: $(load)"
: > "$out"
IFS=, read -r -a list <<< "$models"
for m in "${list[@]}"; do
  # Each side in its own process, so each peak memory is its own.
  echo "running $m: project ..." >&2
  "$project" "$m" "$threads" >> "$out"
  echo "running $m: peer ..." >&2
  "$python" "$here/peer_torch.py" "$m" "$threads" >> "$out"
done
echo "load after: $(load); raw results: $out"
echo
"$python" "$here/peer_table.py" "$out"
