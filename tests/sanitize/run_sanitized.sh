#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The backend, the CLI and the backend tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer (RLRF_SANITIZE), then every test but the window's
# run through CTest. Any sanitizer report fails the test it came from.
#
#   tests/sanitize/run_sanitized.sh [CTEST ARGS...]
#
# Environment: BUILD_DIR (default build-asan), JOBS (default: number of cores).
# LibTorch itself is not instrumented; lsan.supp names the leaks of its and
# OpenMP's one-time set-up, which are not ours.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-asan}
jobs=${JOBS:-$(nproc)}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DRLRF_SANITIZE=ON -DRLRF_BUILD_GUI=OFF -DRLRF_BUILD_BENCH=OFF -DRLRF_ENABLE_PCH=ON
cmake --build "$build" --parallel "$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$here/ubsan.supp}
# One thread per test: OpenMP's pool is then not started twice over.
export RLRF_THREADS=${RLRF_THREADS:-1}
cd "$build"
ctest --output-on-failure --timeout 1800 "$@"
