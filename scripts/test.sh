#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install dependencies, build, run unit and
# integration tests (the integration tests start their own nginx-rtmp + icecast2 on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
# Compile-time checks: a clang build of the libraries + binary with -Wthread-safety as errors.
bash scripts/clang_check.sh -j2
cd build
ctest --output-on-failure --timeout 300 "$@"
