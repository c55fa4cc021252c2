#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Thread settings on a shared machine. The 5M rows of bench_peer_project (decode
# at batch 1, 8 and 64; a DPO, an SFT and a GRPO step) under four settings:
#
#   auto     the default: the cores idle at start (core/thread_choice.h)
#   one      one thread (RLRF_THREADS=1)
#   all      all cores, OpenMP's own wait policy (threads spin before they sleep)
#   passive  all cores, OMP_WAIT_POLICY=PASSIVE (threads sleep at once)
#
# each while the machine is quiet and while LOAD busy processes run beside it
# (default: one per core, a machine others keep busy). Each row is the best of
# the bench's repeats; a setting that runs past LIMIT seconds is cut and shown as
# such. The auto setting's thread count is read from the bench's first line.
#
#   bench/threads_under_load.sh [BUILD_DIR]     environment: LOAD, LIMIT (300)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-$here/../build}
bench=$build/bin/bench_peer_project
[ -x "$bench" ] || { echo "threads_under_load.sh: $bench is not built" >&2; exit 2; }
cores=$(nproc)
load=${LOAD:-$cores}
limit=${LIMIT:-300}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

run_setting() { # setting label -> $out/label.jsonl
  local setting=$1 label=$2
  local env=(env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u RLRF_THREADS)
  local threads=$cores
  case $setting in
    auto) threads=0 ;;
    one) threads=1 ;;
    passive) env+=(OMP_WAIT_POLICY=PASSIVE) ;;
  esac
  local start end
  start=$(date +%s.%N)
  if ! "${env[@]}" timeout "$limit" "$bench" 5M "$threads" > "$out/$label.jsonl" 2>/dev/null; then
    echo '{"row":"cut"}' >> "$out/$label.jsonl"
  fi
  end=$(date +%s.%N)
  echo "{\"row\":\"wall\",\"seconds\":$(echo "$end - $start" | bc)}" >> "$out/$label.jsonl"
}

busy=()
start_load() { for _ in $(seq "$load"); do (while :; do :; done) & busy+=($!); done; }
stop_load() { [ ${#busy[@]} -eq 0 ] || kill "${busy[@]}" 2>/dev/null || true; wait "${busy[@]}" 2>/dev/null || true; busy=(); }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $cores cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for setting in auto one all passive; do run_setting "$setting" "quiet-$setting"; done
start_load
for setting in auto one all passive; do run_setting "$setting" "loaded-$setting"; done
stop_load
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); busy processes while loaded: $load"

python3 - "$out" "$limit" <<'EOF'
import json, os, sys
out, limit = sys.argv[1], sys.argv[2]
rows = [("threads", None), ("decode", 1), ("decode", 8), ("decode", 64), ("dpo_step", 8), ("sft_step", 8), ("grpo_step", 8), ("wall", None)]
def read(label):
    got, cut = {}, False
    path = os.path.join(out, label + ".jsonl")
    for line in open(path) if os.path.exists(path) else []:
        try:
            j = json.loads(line)
        except ValueError:
            continue
        if j.get("row") == "cut":
            cut = True
        elif j.get("row") == "setup":
            got[("threads", None)] = (j.get("threads"), None)
        elif "seconds" in j:
            got[(j["row"], j.get("batch"))] = (j["seconds"], j.get("tokens"))
    return got, cut
def cell(got, key):
    if key not in got:
        return "cut"
    if key[0] == "threads":
        return str(got[key][0])
    s, tokens = got[key]
    return f"{tokens / s:.0f} tok/s" if key[0] == "decode" else f"{s:.3f} s"
print()
settings = ("auto", "one", "all", "passive")
print("| row | " + " | ".join(f"{c} {s}" for c in ("quiet", "loaded") for s in settings) + " |")
print("|---" * 9 + "|")
data = {f"{c}-{s}": read(f"{c}-{s}") for c in ("quiet", "loaded") for s in settings}
for key in rows:
    name = key[0] + (f" b{key[1]}" if key[1] and key[0] == "decode" else "")
    print(f"| {name} | " + " | ".join(cell(data[l][0], key) for l in data) + " |")
cuts = [l for l in data if data[l][1]]
if cuts:
    print(f"\ncut at {limit} s: {', '.join(cuts)}")
# The verdict: the settings' whole invocations, quiet and loaded.
wall = {l: data[l][0].get(("wall", None), (float("nan"), None))[0] for l in data}
print("\nwall seconds: " + ", ".join(f"{l} {wall[l]:.1f}" for l in data))
EOF
