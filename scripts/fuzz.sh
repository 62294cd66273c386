#!/usr/bin/env bash
# Build the parser fuzz target with clang + libFuzzer + ASan/UBSan (minus pointer-overflow, which
# RapidJSON 1.1's internal stack trips on by design) and run it for a bounded time
# on a seed corpus of the test fixtures. Usage: scripts/fuzz.sh [SECONDS=60] [RUNS]
# With RUNS (and SECONDS 0) the run is deterministic: fixed seed, fixed number of inputs (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}; RUNS=${2:-}
LIMIT=(-max_total_time="$SECS"); [ -n "$RUNS" ] && LIMIT=(-seed=1 -runs="$RUNS")
OUT=build/fuzz; rm -rf "$OUT/corpus"; mkdir -p "$OUT/corpus"  # fresh corpus: same run every time
CXX=${FUZZ_CXX:-$(command -v clang++ || command -v clang++-14)}
SRC=(tests/fuzz/fuzz_parsers.cpp api/azuracast.cpp api/centrifugo.cpp api/youtube/youtube_parse.cpp control/config/config.cpp control/mapping/track_map.cpp control/files/file_protocol.cpp
     base/atomic_file.cpp control/files/command.cpp control/files/command_queue.cpp control/status/status_json.cpp control/time/time_window.cpp control/time/time_zone.cpp base/log.cpp base/redact.cpp
     base/backoff.cpp engine/video/yuv_color.cpp engine/picture/fit.cpp engine/engine_config.cpp engine/picture/corner.cpp
     engine/picture/logo.cpp engine/picture/logo_stamp.cpp
     engine/video/visualizer_config.cpp engine/output/output_kind.cpp engine/output/platform.cpp engine/output/output_profile.cpp)
"$CXX" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -fno-sanitize=pointer-overflow -Wno-ambiguous-reversed-operator -I. \
  "${SRC[@]}" $(pkg-config --cflags --libs fmt libavformat libavcodec libswscale libavutil) -o "$OUT/fuzz_parsers"
# Seeds: each fixture once per parser selector byte.
i=0
for f in tests/fixtures/*.json assets/config.example.json; do
  for sel in 0 1 2 3; do printf "\\x0$sel" | cat - "$f" > "$OUT/corpus/seed-$i-$sel"; done
  i=$((i + 1))
done
printf '\x01{"command":"switch","loop":"b","id":"1"}' > "$OUT/corpus/seed-control"
# The live feed: a connect message carrying song A, a ping, a small update (within -max_len).
{ printf '\x04: hi\r\ndata: {"connect":{"client":"c","subs":{"station:loopcast_fm":{"publications":[{"data":{"np":'
  tr -d '\n' < tests/fixtures/azuracast_song_a.json | tr -s ' '
  printf '},"offset":1}]}},"ping":25}}\n\ndata: {}\n\ndata: {"channel":"station:loopcast_fm","pub":{"data":{"np":'
  printf '{"now_playing":{"sh_id":2,"song":{"text":"Air - Sexy Boy"}}}}}}\n\n'; } > "$OUT/corpus/seed-live"
# A YouTube liveStreams answer (selector 5).
printf '\x05{"items":[{"id":"S1","cdn":{"ingestionInfo":{"streamName":"k"}},"status":{"streamStatus":"active","healthStatus":{"status":"bad","configurationIssues":[{"type":"t"}]}}}]}' > "$OUT/corpus/seed-youtube"
cp tests/fuzz/regressions/* "$OUT/corpus/"  # inputs that once crashed stay in the corpus
"$OUT/fuzz_parsers" "${LIMIT[@]}" -max_len=4096 -timeout=5 -artifact_prefix="$OUT/" -print_final_stats=1 "$OUT/corpus" 2>&1 | tail -n 12
if [ -n "$RUNS" ]; then echo "fuzz: no crash in $RUNS runs (seed 1)"; else echo "fuzz: no crash in ${SECS}s"; fi
