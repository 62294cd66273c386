#!/usr/bin/env bash
# Configure and build loopcast (and its tests) into ./build. Usage: scripts/build.sh [cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j"$(nproc)"
echo "loopcast: built ./build/loopcast"
