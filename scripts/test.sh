#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install the build and test dependencies,
# build the binary and the tests, run every tier (the integration tests start their own
# nginx-rtmp + icecast2 on loopback from tests/rig). Extra args go to ctest, e.g. `-L unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
bash scripts/build.sh
cmake --build build -j"$(nproc)"
# Compile-time checks: a clang build of the libraries + binary with -Wthread-safety as errors.
bash scripts/clang_check.sh -j"$(nproc)"
cd build
# -j: unit tests run side by side; the integration tier is RUN_SERIAL (real-time streams) whatever -j says.
ctest --output-on-failure --timeout 300 -j"$(nproc)" "$@"
