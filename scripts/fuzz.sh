#!/usr/bin/env bash
# Build the parser fuzz target with clang + libFuzzer + ASan/UBSan (minus pointer-overflow, which
# RapidJSON 1.1's internal stack trips on by design) and run it for a bounded time
# on a seed corpus of the test fixtures. Usage: scripts/fuzz.sh [SECONDS=60]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
OUT=build/fuzz; mkdir -p "$OUT/corpus"
CXX=${FUZZ_CXX:-$(command -v clang++ || command -v clang++-14)}
SRC=(tests/fuzz/fuzz_parsers.cpp api/azuracast.cpp control/config.cpp control/track_map.cpp control/file_protocol.cpp
     control/atomic_file.cpp control/status_json.cpp engine/log.cpp engine/redact.cpp engine/backoff.cpp)
"$CXX" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -fno-sanitize=pointer-overflow -Wno-ambiguous-reversed-operator -I. \
  "${SRC[@]}" $(pkg-config --cflags --libs fmt) -o "$OUT/fuzz_parsers"
# Seeds: each fixture once per parser selector byte.
i=0
for f in tests/fixtures/*.json assets/config.example.json; do
  for sel in 0 1 2 3; do printf "\\x0$sel" | cat - "$f" > "$OUT/corpus/seed-$i-$sel"; done
  i=$((i + 1))
done
printf '\x01{"command":"switch","loop":"b","id":"1"}' > "$OUT/corpus/seed-control"
cp tests/fuzz/regressions/* "$OUT/corpus/"  # inputs that once crashed stay in the corpus
"$OUT/fuzz_parsers" -max_total_time="$SECS" -max_len=4096 -timeout=5 -artifact_prefix="$OUT/" -print_final_stats=1 "$OUT/corpus" 2>&1 | tail -n 12
echo "fuzz: no crash in ${SECS}s"
