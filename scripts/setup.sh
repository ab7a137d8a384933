#!/usr/bin/env bash
# Installs CapSim's dependencies (Debian 12 packages only), builds it, and then either runs the bundled default
# scenario (--run) or the whole test suite (--test). Run as root on a fresh Debian 12 machine.
# --sanitize builds the unit tests with AddressSanitizer and UndefinedBehaviorSanitizer in build-sanitize/ (or
# $CAPSIM_SANITIZE_DIR) and runs them; any report fails it.
set -euo pipefail

mode="${1:---run}"
case "$mode" in
  --run|--test|--build|--sanitize) ;;
  *) echo "usage: scripts/setup.sh [--run|--test|--build|--sanitize]" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CAPSIM_BUILD_DIR:-$here/build}"

packages=(
  build-essential cmake ninja-build pkg-config git
  libsimgrid-dev nlohmann-json3-dev libeigen3-dev libboost-graph-dev
  libcli11-dev libfmt-dev libtbb-dev
  qt6-base-dev libqcustomplot-dev libqcustomplot2.1-qt6
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin
  xvfb xauth poppler-utils chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup.sh: missing packages (${missing[*]}); run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "setup.sh: installing ${#missing[@]} Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# CUDA is optional: the calibration kernels build when nvcc is found (/usr/local/cuda on GPU build machines).
if [[ -x /usr/local/cuda/bin/nvcc ]] && ! command -v nvcc >/dev/null; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi

jobs="$(nproc)"
if [[ "$mode" == --sanitize ]]; then
  sanitize="${CAPSIM_SANITIZE_DIR:-$here/build-sanitize}"
  # Line tables only (-g1): enough for the reports' stack traces, and faster to build than full debug info.
  flags="-O1 -g1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
  cmake -S "$here" -B "$sanitize" -G Ninja -DCMAKE_BUILD_TYPE=None -DCAPSIM_BUILD_GUI=OFF \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
  cmake --build "$sanitize" -j "$jobs" --target capsim_unit_tests
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$sanitize/tests/capsim_unit_tests" --gtest_brief=1
  exit 0
fi
# Optimized without debug info: debug info made every compile a quarter slower and the README's test command (CI)
# must stay under 30 minutes on 2 cores. A developer's own build directory defaults to RelWithDebInfo.
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
cmake --build "$build" -j "$jobs"

case "$mode" in
  --run) "$build/cli/capsim" run ;;
  --test)
    cd "$build"
    ctest --output-on-failure -j "$jobs"
    ;;
  --build) ;;
esac
