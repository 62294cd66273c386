#!/usr/bin/env bash
# Benchmark: the sound stage's CPU per output second (meter only, and with --loudness-target),
# against copying the same audio. Usage: bench/sound.sh   (needs the build dependencies)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(mktemp -d /tmp/loopcast-bench-sound.XXXXXX); trap 'rm -rf "$OUT"' EXIT
g++ -std=c++20 -O2 -I. bench/sound_stage.cpp engine/audio/loudness_stage.cpp engine/audio/loudness_meter.cpp \
  engine/audio/leveler.cpp engine/audio/peak_limiter.cpp engine/audio/true_peak.cpp $(pkg-config --cflags --libs libebur128) -o "$OUT/sound_stage"
"$OUT/sound_stage"
