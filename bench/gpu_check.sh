#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The GPU check. On a CUDA machine with PyTorch 2.x: builds the CLI (rlrf) and
# bench_peer_project without the GUI against that PyTorch's own LibTorch, runs the
# table of bench/peer_compare.sh in bfloat16 on the GPU for both sides (the
# project and the PyTorch-eager peer, one after the other), checks greedy ids and
# per-token log-probs in bfloat16 on CUDA against float32 on the CPU
# (`bench_peer_project MODEL THREADS check`), and writes all of it to
# bench/results/gpu-check-<date>.md, a file meant to be committed, whose last line
# is the verdict:
#   verdict: PASS|FAIL (...)
#
#   bench/gpu_check.sh [--build DIR] [--models 5M,100M] [--threads N] [--out FILE.md]
#
# Pass/fail (the check rows; the table's speeds are reported, not judged), per model:
#   mean |delta logp| < LOGP_MEAN_MAX (0.05)  over 8 rows x 64 tokens, both models
#                                             scoring the float32 greedy tokens
#   max  |delta logp| < LOGP_MAX_MAX  (0.5)   the worst single token
#   max tie gap       < TIE_GAP_MAX   (0.1)   at every greedy divergence, the float32
#                                             log-prob gap between the two picks: a
#                                             divergence must be a near-tie, i.e.
#                                             rounding, not a different model
# The share of greedy tokens that agree before each row's first divergence is
# reported, not judged: on a random model near-ties are common. On this project's
# CPU (LibTorch 1.13, bfloat16 on the CPU against float32) the 5M model gave mean
# 0.011, max 0.047, tie gap 0.028 (docs/performance.md).
#
# Environment:
#   PEER_PYTHON       the Python whose torch (2.x, with CUDA) is used for the peer
#                     and whose LibTorch the build links (default: python3)
#   RLRF_DEPS_PREFIX  colon-separated folders of unpacked Debian packages
#                     (`dpkg-deb -x PKG.deb DIR`) for what the machine lacks; the
#                     build needs the -dev packages and their libraries of spdlog,
#                     fmt, SQLite 3, nlohmann-json, libcurl and PCRE2 (Qt is not
#                     needed without the GUI). Each DIR/usr goes into
#                     CMAKE_PREFIX_PATH, its .pc files (prefix rewritten to DIR/usr)
#                     into PKG_CONFIG_PATH and DIR/usr/lib/<arch> into
#                     LD_LIBRARY_PATH for the runs.
#   CMAKE_ARGS        more configure arguments, e.g. -DCUDAToolkit_ROOT=/usr/local/cuda
#   JOBS              build parallelism (default: nproc)
#   LOGP_MEAN_MAX, LOGP_MAX_MAX, TIE_GAP_MAX   the thresholds above
#
# Needs cmake >= 3.21, ninja, a C++20 compiler, and the CUDA toolkit (nvcc or
# CUDA_HOME) that a CUDA wheel's TorchConfig.cmake looks for. The wheel must use
# the new libstdc++ ABI (PyTorch >= 2.7 wheels do; older ones use the old ABI,
# which Debian's spdlog and fmt cannot link with): the script refuses otherwise.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build-gpu models=5M,100M threads=$(nproc) out=
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
python=${PEER_PYTHON:-python3}
logp_mean_max=${LOGP_MEAN_MAX:-0.05}
logp_max_max=${LOGP_MAX_MAX:-0.5}
tie_gap_max=${TIE_GAP_MAX:-0.1}
dtype=bfloat16
say() { echo "gpu_check.sh: $*" >&2; }

# ---- refuse clearly, with every reason at once ----------------------------------
problems=()
probe=$("$python" - <<'EOF' 2>&1
import torch, torch.utils
print("version", torch.__version__)
print("major", torch.__version__.split(".")[0])
print("cuda", int(torch.cuda.is_available()))
print("cuda_version", torch.version.cuda)
print("abi", int(torch.compiled_with_cxx11_abi()))
print("prefix", torch.utils.cmake_prefix_path)
print("gpu", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")
EOF
) || { say "$python cannot import torch: $probe"; say "install PyTorch 2.x with CUDA, or set PEER_PYTHON"; exit 2; }
field() { sed -n "s/^$1 //p" <<< "$probe" | head -1; }
torch_version=$(field version) torch_major=$(field major) torch_prefix=$(field prefix)
[ "$torch_major" -ge 2 ] 2>/dev/null || problems+=("PyTorch $torch_version at $python is not 2.x (the check is for PyTorch 2.x; set PEER_PYTHON)")
[ "$(field cuda)" = 1 ] || problems+=("PyTorch $torch_version sees no CUDA device (torch.cuda.is_available() is False; CUDA build: $(field cuda_version))")
[ "$(field abi)" = 1 ] || problems+=("PyTorch $torch_version is built with the old libstdc++ ABI; Debian's spdlog and fmt need the new one (PyTorch >= 2.7 wheels)")
command -v nvidia-smi >/dev/null || problems+=("no nvidia-smi: no NVIDIA driver on this machine")
command -v cmake >/dev/null || problems+=("no cmake")
command -v ninja >/dev/null || problems+=("no ninja")
command -v nvcc >/dev/null || [ -n "${CUDA_HOME:-}${CUDAToolkit_ROOT:-}" ] || [ -x /usr/local/cuda/bin/nvcc ] ||
  problems+=("no CUDA toolkit (nvcc, CUDA_HOME or CUDAToolkit_ROOT): a CUDA wheel's TorchConfig.cmake needs it")
if [ ${#problems[@]} -gt 0 ]; then
  say "refusing: this machine cannot run the GPU check:"
  for p in "${problems[@]}"; do echo "  - $p" >&2; done
  exit 2
fi

# ---- configure and build against PyTorch's LibTorch -------------------------------
prefixes=$torch_prefix
ld_path=
if [ -n "${RLRF_DEPS_PREFIX:-}" ]; then
  arch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
  pcdir=$build/deps-pkgconfig
  mkdir -p "$pcdir"
  IFS=: read -r -a deps <<< "$RLRF_DEPS_PREFIX"
  for d in "${deps[@]}"; do
    d=$(cd "$d" && pwd)
    [ -d "$d/usr" ] || { say "RLRF_DEPS_PREFIX: $d has no usr/ (unpack with dpkg-deb -x PKG.deb $d)"; exit 2; }
    prefixes="$prefixes;$d/usr"
    ld_path="$ld_path:$d/usr/lib/$arch:$d/lib/$arch"
    for pc in "$d"/usr/lib/"$arch"/pkgconfig/*.pc "$d"/usr/share/pkgconfig/*.pc; do
      [ -f "$pc" ] || continue
      sed "s|^prefix=/usr\$|prefix=$d/usr|; s|=/usr/|=$d/usr/|g" "$pc" > "$pcdir/$(basename "$pc")"
    done
  done
  export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  export LD_LIBRARY_PATH="${ld_path#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
toolkit=()
if [ -n "${CUDA_HOME:-}" ] && [ -z "${CUDAToolkit_ROOT:-}" ]; then toolkit=(-DCUDAToolkit_ROOT="$CUDA_HOME"); fi
# shellcheck disable=SC2086 # CMAKE_ARGS is a list of arguments
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DRLRF_BUILD_GUI=OFF -DRLRF_BUILD_TESTS=OFF -DRLRF_BUILD_BENCH=ON \
  -DCMAKE_PREFIX_PATH="$prefixes" -DCMAKE_CXX_FLAGS=-DRLRF_BENCH_CUDA_STATS \
  "${toolkit[@]}" ${CMAKE_ARGS:-}
cmake --build "$build" --target rlrf_cli bench_peer_project --parallel "${JOBS:-$(nproc)}"
project=$build/bin/bench_peer_project
"$build/bin/rlrf" --version > "$build/rlrf-version.txt" 2>&1 || { cat "$build/rlrf-version.txt" >&2; say "the CLI does not start"; exit 1; }

# ---- run: the table in bfloat16 on CUDA, then the check -------------------------
date=$(date -u +%F)
[ -n "$out" ] || { mkdir -p "$here/results"; out=$here/results/gpu-check-$date.md; }
raw=$build/gpu-check-$date.jsonl
: > "$raw"
IFS=, read -r -a list <<< "$models"
for m in "${list[@]}"; do
  # each side in its own process, so each peak GPU memory is its own
  say "running $m: project ..."
  "$project" "$m" "$threads" --device cuda --dtype "$dtype" >> "$raw"
  say "running $m: peer ..."
  "$python" "$here/peer_torch.py" "$m" "$threads" --device cuda --dtype "$dtype" >> "$raw"
done
for m in "${list[@]}"; do
  say "checking $m: $dtype on CUDA against float32 on the CPU ..."
  "$project" "$m" "$threads" check --device cuda --dtype "$dtype" >> "$raw"
done
table=$("$python" "$here/peer_table.py" "$raw")

# ---- judge the check rows and write the results file ----------------------------
checks=$("$python" - "$raw" "$logp_mean_max" "$logp_max_max" "$tie_gap_max" <<'EOF'
import json, sys
path, mean_max, max_max, gap_max = sys.argv[1], *map(float, sys.argv[2:])
rows = [json.loads(l) for l in open(path) if l.startswith("{")]
rows = [r for r in rows if r["row"] == "check"]
print("| model | greedy agree before divergence | rows diverged | first divergence | max tie gap | max abs dlogp | mean abs dlogp | result |")
print("|---|---|---|---|---|---|---|---|")
failed = []
for r in rows:
    bad = [what for what, ok in (("mean dlogp", r["logp_mean_abs_diff"] < mean_max),
                                 ("max dlogp", r["logp_max_abs_diff"] < max_max),
                                 ("tie gap", r["max_tie_gap"] < gap_max)) if not ok]
    failed += ["%s %s" % (r["model"], b) for b in bad]
    print("| %s | %.1f%% | %d of %d | %d | %.4f | %.4f | %.5f | %s |" % (
        r["model"], 100 * r["greedy_agree"], r["rows_diverged"], r["rows"], r["first_divergence"],
        r["max_tie_gap"], r["logp_max_abs_diff"], r["logp_mean_abs_diff"], "fail: " + ", ".join(bad) if bad else "pass"))
if not rows:
    failed.append("no check rows")
print()
print("verdict: %s" % ("FAIL (%s)" % "; ".join(failed) if failed else
      "PASS (%d models: mean |dlogp| < %g, max < %g, every greedy divergence a near-tie < %g)" % (
          len(rows), mean_max, max_max, gap_max)))
EOF
)
{
  echo "# GPU check, $date"
  echo
  echo "\`bench/gpu_check.sh\` at commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)')."
  echo
  echo "- GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
  echo "- PyTorch $torch_version (CUDA $(field cuda_version)), LibTorch from $torch_prefix"
  echo "- CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $threads threads"
  echo "- \`rlrf --version\`:"
  echo
  sed 's/^/      /' "$build/rlrf-version.txt"
  echo
  echo "## The peer table, $dtype on CUDA"
  echo
  echo "Both sides with the model in $dtype on the GPU, timings synchronised, peak GPU"
  echo "memory from each process's caching allocator (bench/peer_table.py explains the columns)."
  echo
  echo "$table"
  echo
  echo "## $dtype on CUDA against float32 on the CPU"
  echo
  echo "\`bench_peer_project MODEL $threads check --device cuda --dtype $dtype\`: the same random"
  echo "model (matrices N(0, 0.8/sqrt(hidden))) and 8 prompts of 64 tokens, 64 greedy tokens each;"
  echo "log-probs of the float32 greedy tokens scored by both. Thresholds: mean |dlogp| <"
  echo "$logp_mean_max, max |dlogp| < $logp_max_max, tie gap < $tie_gap_max (the script's header explains them)."
  echo
  head -n -1 <<< "$checks"
  echo "<details><summary>raw rows (JSON lines of both programs)</summary>"
  echo
  echo '```'
  cat "$raw"
  echo '```'
  echo
  echo "</details>"
  echo
  tail -n 1 <<< "$checks"
} > "$out"
cat "$out"
say "results written to $out"
tail -1 "$out" | grep -q '^verdict: PASS' || exit 1
