#!/usr/bin/env bash
# Install everything loopcast needs to build, run and test on Debian 12 (run as root).
# Build: compiler, CMake, FFmpeg dev libs, RapidJSON, fmt, doctest (cpp-httplib is vendored).
# Test rig: nginx + RTMP module, icecast2, the ffmpeg CLI (test fixtures only), curl.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
BUILD=(build-essential cmake pkg-config ca-certificates
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libavfilter-dev fonts-dejavu-core
  rapidjson-dev libfmt-dev doctest-dev)
# LOOPCAST_DEPS=build (the Docker build stage) skips the test rig, fuzzer and benchmark tools.
RIG=(nginx libnginx-mod-rtmp icecast2 ffmpeg curl procps time git clang libclang-rt-14-dev chromium stunnel4 openssl stress-ng)
[ "${LOOPCAST_DEPS:-all}" = build ] && RIG=()
$SUDO apt-get install -y -qq --no-install-recommends "${BUILD[@]}" "${RIG[@]}" >/dev/null
if [ "${LOOPCAST_DEPS:-all}" != build ]; then
  # The dashboard test drives Debian's chromium with playwright-core (from the npm registry).
  command -v npm >/dev/null || $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  (cd "$(dirname "$0")/../tests/e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "loopcast: dependencies installed"
