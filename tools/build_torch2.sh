#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The backend, the CLI and the backend tests built against LibTorch 2.x: Debian
# 13's libtorch-dev, in a Debian 13 root file system made with debootstrap from
# the Debian archive. Then the backend tests run there (the window's tests need a
# GUI build and stay out). Needs root (debootstrap, chroot, bind mounts).
#
#   tools/build_torch2.sh [setup|build|test [CTEST ARGS]|all]     (default: all)
#
# Environment: ROOTFS (default .torch2/trixie, git-ignored), MIRROR, JOBS,
# RLRF_SHARED_DATA_DIR (default ../shared/data). The source tree is mounted
# read-only at /src inside; the build lives in the root file system at /build.
# The last line of `test` is CTest's summary; the LibTorch version is printed
# before it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
rootfs=${ROOTFS:-$src/.torch2/trixie}
mirror=${MIRROR:-http://deb.debian.org/debian}
jobs=${JOBS:-$(nproc)}
data=${RLRF_SHARED_DATA_DIR:-$src/../shared/data}

# What the backend and its tests build with, from Debian 13 (nodejs runs the
# reference tokenizers and templates some tests compare with).
packages=(build-essential cmake ninja-build pkg-config ca-certificates
          libtorch-dev libopenblas0-openmp qt6-base-dev
          libspdlog-dev libsqlite3-dev nlohmann-json3-dev libpcre2-dev libcurl4-openssl-dev nodejs)

[ "$(id -u)" -eq 0 ] || { echo "build_torch2.sh: needs root (debootstrap, chroot, mount)" >&2; exit 2; }

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() { # bind FROM TO [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounted+=("$2")
  [ "${3:-}" != ro ] || mount -o remount,bind,ro "$2"
}
enter() {
  mount -t proc proc "$rootfs/proc"; mounted+=("$rootfs/proc")
  bind /dev "$rootfs/dev"
  bind "$src" "$rootfs/src" ro
  if [ -d "$data" ]; then bind "$data" "$rootfs/shared/data" ro; fi
}
in_root() { chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 bash -c "$1"; }

setup() {
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
  if [ ! -f "$rootfs/etc/debian_version" ]; then
    mkdir -p "$rootfs"
    debootstrap --variant=minbase trixie "$rootfs" "$mirror"
  fi
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  in_root "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages[*]}"
}

build() {
  enter
  in_root "cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRLRF_BUILD_GUI=OFF -DRLRF_BUILD_BENCH=OFF \
             -DRLRF_SHARED_DATA_DIR=/shared/data && cmake --build /build --parallel $jobs"
}

run_tests() {
  enter
  in_root "/build/bin/rlrf --version"
  in_root "cd /build && ctest --output-on-failure --parallel $jobs $*"
}

case ${1:-all} in
  setup) setup ;;
  build) build ;;
  test) shift; run_tests "$@" ;;
  all) setup; build; cleanup; mounted=(); run_tests ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
