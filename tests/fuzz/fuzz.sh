#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The libFuzzer targets of every parser of outside input (docs/fuzzing.md).
#
#   tests/fuzz/fuzz.sh build              clang tree in build-fuzz (RLRF_FUZZ=ON)
#   tests/fuzz/fuzz.sh corpus             seed corpora from real files (build-fuzz/corpus/<target>)
#   tests/fuzz/fuzz.sh run SECONDS [T...] each target (or the named ones) for SECONDS;
#                                         a table of executions and findings
#   tests/fuzz/fuzz.sh smoke              deps + build + corpus + run 5 (what CI runs)
#   tests/fuzz/fuzz.sh deps               install clang and its fuzzer runtime from Debian
#
# A finding (crash, leak, timeout, out of memory) leaves its input in
# build-fuzz/findings/<target>/ and makes the run exit 1: fix the cause, then
# copy the input to tests/fuzz/regressions/<target>/ so tst_fuzz_replay keeps it.
# Environment: BUILD_DIR (default build-fuzz), JOBS, RLRF_SHARED_DATA_DIR.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
data=${RLRF_SHARED_DATA_DIR:-$root/../shared/data}
jobs=${JOBS:-$(nproc)}
mapfile -t all_targets < "$here/targets.txt"

deps() {
  local missing=()
  for p in clang libclang-rt-14-dev cmake ninja-build libtorch-dev nlohmann-json3-dev libspdlog-dev \
           libsqlite3-dev libpcre2-dev libcurl4-openssl-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing from Debian: ${missing[*]}"
  local sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is needed (apt-get install clang)" >&2; exit 2; }
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
        -DRLRF_FUZZ=ON -DRLRF_BUILD_GUI=OFF -DRLRF_BUILD_TESTS=OFF -DRLRF_BUILD_BENCH=OFF -DRLRF_ENABLE_PCH=OFF \
        -DRLRF_SHARED_DATA_DIR="$data" > /dev/null
  cmake --build "$build" --target fuzz_all --parallel "$jobs"
}

seeds_of() { # real files for a target, as tst_fuzz_replay.cpp lists them
  case $1 in
    chat_template) find "$root/tests/fixtures/chat_templates" "$root/resources/models" -name '*.jinja' ;;
    tokenizer_json) find "$data/tokenizers" "$root/resources/models" -name tokenizer.json ;;
    model_config) find "$root/tests/fixtures/model_configs" "$root/resources/models" -name '*.json' -not -name 'tokenizer*' ;;
    rubric) find "$root/rubrics" -name '*.json' ;;
    import_gsm8k|import_jsonl) find "$data/gsm8k" -name '*.jsonl' ;;
    import_just_eval) find "$data/just-eval" -name '*.json*' ;;
    import_bfcl) find "$data/bfcl" -name '*.json*' ;;
    llama2c) find "$data/models" -name '*.bin' ;;
  esac
  [ -d "$here/seeds/$1" ] && find "$here/seeds/$1" -type f -not -name '*.md'
  [ -d "$here/regressions/$1" ] && find "$here/regressions/$1" -type f
  return 0
}

corpus() {
  for t in "${all_targets[@]}"; do
    local dir=$build/corpus/$t
    mkdir -p "$dir"
    local n=0
    while IFS= read -r f; do
      [ -n "$f" ] || continue
      # Small seeds run fast: a file up to 64 KiB whole, a bigger one's first
      # 16 KiB; and each file's first lines alone.
      if [ "$(stat -c %s "$f")" -le 65536 ]; then cp "$f" "$dir/seed-$n"; else head -c 16384 "$f" > "$dir/seed-$n"; fi
      n=$((n + 1))
      head -n 3 "$f" > "$dir/seed-$n"; n=$((n + 1))
    done < <(seeds_of "$t")
    echo "corpus $t: $n seeds"
  done
}

run() {
  local seconds=$1; shift
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
  local table=$build/fuzz-results.md total=0 failed=0
  printf '| target | seconds | executions | findings |\n|---|---|---|---|\n' > "$table.now"
  for t in "${targets[@]}"; do
    local exe=$build/bin/fuzz_$t
    [ -x "$exe" ] || { echo "fuzz.sh: $exe is not built (fuzz.sh build)" >&2; exit 2; }
    mkdir -p "$build/findings/$t" "$build/corpus/$t"
    local log=$build/findings/$t.log
    set +e
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$exe" "$build/corpus/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$build/findings/$t/" > "$log" 2>&1
    local rc=$?
    set -e
    local execs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    execs=${execs:-0}
    local found
    found=$(find "$build/findings/$t" -type f | wc -l)
    total=$((total + execs))
    local verdict="none"
    if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
      verdict="$found file(s), exit $rc: see $log"
      failed=$((failed + 1))
    fi
    printf '| %s | %s | %s | %s |\n' "$t" "$seconds" "$execs" "$verdict" | tee -a "$table.now"
  done
  printf '| total | | %s | %s |\n' "$total" "$([ "$failed" -eq 0 ] && echo none || echo "$failed target(s)")" \
    | tee -a "$table.now"
  { echo; echo "## $(date -u +%Y-%m-%dT%H:%MZ): fuzz.sh run $seconds ${targets[*]}"; cat "$table.now"; } >> "$table"
  rm -f "$table.now"
  echo "executions: $total, targets with findings: $failed"
  [ "$failed" -eq 0 ]
}

case ${1:-} in
  build) build ;;
  corpus) corpus ;;
  run) shift; [ $# -ge 1 ] || { echo "usage: $0 run SECONDS [TARGET...]" >&2; exit 2; }; run "$@" ;;
  deps) deps ;;
  smoke) deps; build; corpus; run 5 ;;
  *) echo "usage: $0 deps | build | corpus | run SECONDS [TARGET...] | smoke" >&2; exit 2 ;;
esac
