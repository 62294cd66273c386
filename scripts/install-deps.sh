#!/usr/bin/env bash
# Install what loopcast needs on Debian 12 (as root, or with sudo). Usage: install-deps.sh [run|test]
#   run  (default): compiler, CMake, ccache, FFmpeg dev libs, libebur128, RapidJSON, fmt, doctest, OpenSSL (the
#                   API's HTTPS; cpp-httplib is vendored) — enough to build and run loopcast;
#   test: also the test rig (nginx + RTMP module, icecast2, stunnel, srt-tools' srt-live-transmit as the
#         SRT ingest, the ffmpeg CLI as a fixture tool), clang (thread-safety check, fuzzer), chromium + playwright-core (dashboard test),
#         kubernetes-models (the Kubernetes manifests' schema check),
#         debootstrap + systemd-nspawn (scripts/package_check.sh: the .deb in a clean Debian 12 root).
# LOOPCAST_DEPS=build (the Docker build stage) is the same as `run`.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
WHAT=${1:-${LOOPCAST_DEPS:-run}}
[ "$WHAT" = build ] && WHAT=run
case "$WHAT" in run|test) ;; *) echo "usage: install-deps.sh [run|test]" >&2; exit 2 ;; esac
$SUDO apt-get update -qq
BUILD=(build-essential cmake pkg-config ca-certificates ccache
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libavfilter-dev libebur128-dev fonts-dejavu-core
  rapidjson-dev libfmt-dev doctest-dev libsystemd-dev libssl-dev)
RIG=()
[ "$WHAT" = test ] && RIG=(nginx libnginx-mod-rtmp icecast2 ffmpeg curl procps time git clang libclang-rt-14-dev chromium
  stunnel4 openssl srt-tools stress-ng debootstrap systemd-container)
# Node.js for the dashboard test: Debian's nodejs + npm, unless a Node.js with npm is already there
# (NodeSource's nodejs ships npm itself and Conflicts: npm, so asking for Debian's npm breaks apt).
[ "$WHAT" = test ] && ! command -v npm >/dev/null && RIG+=(nodejs npm)
$SUDO apt-get install -y -qq --no-install-recommends "${BUILD[@]}" "${RIG[@]}" >/dev/null
if [ "$WHAT" = test ]; then
  # The dashboard test drives Debian's chromium with playwright-core (from the npm registry).
  (cd "$(dirname "$0")/../tests/e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  # The Kubernetes manifests' offline validation (kubernetes-models + yaml).
  (cd "$(dirname "$0")/../tests/k8s" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "loopcast: $WHAT dependencies installed"
