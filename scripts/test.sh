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
if [ $# -gt 0 ]; then
  ctest --output-on-failure --timeout 300 -j"$(nproc)" "$@"
  exit
fi
# Everything but the rig tests, one per core (they compute). Then the rig tests: the light ones
# (small pictures, judged in media time: they mostly wait on real time) two per core, the others
# (RUN_SERIAL: big pictures, crowds, strict real-time budgets) alone whatever -j says.
rc=0
ctest --output-on-failure --timeout 300 -j"$(nproc)" -LE integration || rc=$?
ctest --output-on-failure --timeout 300 -j"$(( $(nproc) * 2 ))" -L integration || rc=$?
exit "$rc"
