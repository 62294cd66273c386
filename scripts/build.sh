#!/usr/bin/env bash
# Configure and build the loopcast binary into ./build (the tests are built by scripts/test.sh).
# Usage: scripts/build.sh [cmake args]   Uses ccache when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
LAUNCHER=(); command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${LAUNCHER[@]}" "$@" >/dev/null
cmake --build build -j"$(nproc)" --target loopcast
echo "loopcast: built ./build/loopcast"
