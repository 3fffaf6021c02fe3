#!/usr/bin/env bash
# Configures and builds QTM with CMake + Ninja into build/ (programs in build/bin/).
#   scripts/build.sh            RelWithDebInfo, warnings as errors
#   scripts/build.sh asan       Debug + AddressSanitizer + UndefinedBehaviorSanitizer in
#                               build-asan/ (clang when installed, with libFuzzer targets):
#                               only the unit tests and fuzzers (what scripts/test.sh runs
#                               there), with line tables (-g1) for the sanitizers' stacks
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root_dir"

# ccache, when installed, makes rebuilds in a fresh build directory cheap; it is optional.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

case "${1:-release}" in
  release)
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
    cmake --build build
    ;;
  asan)
    asan_options=(-DQTM_BUILD_BENCH=OFF -DQTM_UNIT_TESTS_ONLY=ON "-DCMAKE_C_FLAGS_DEBUG=-g1"
                  "-DCMAKE_CXX_FLAGS_DEBUG=-g1")
    if command -v clang++ >/dev/null 2>&1; then
      CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
        -DQTM_SANITIZE=ON -DQTM_FUZZ=ON "${asan_options[@]}" "${launcher[@]}" >/dev/null
    else
      cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DQTM_SANITIZE=ON \
        "${asan_options[@]}" "${launcher[@]}" >/dev/null
    fi
    cmake --build build-asan
    ;;
  *)
    echo "usage: scripts/build.sh [release|asan]" >&2
    exit 2
    ;;
esac
