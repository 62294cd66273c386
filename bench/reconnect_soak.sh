#!/usr/bin/env bash
# Memory across reconnects: loopcast with a dead station and a dead ingest, reconnecting as fast
# as the backoff allows (50–100 ms), for SECONDS. Prints RSS every 10 s and the attempt counts, so
# a leak on the reconnect paths shows as a steady climb. Not part of CI.
# Usage: bench/reconnect_soak.sh [SECONDS=120]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-120}
BIN=${LOOPCAST_BIN:-./build/loopcast}
OUT=$(mktemp -d /tmp/loopcast-rsoak.XXXXXX)
PORT=18390
cat > "$OUT/fast-backoff.json" <<'JSON'
{"input_backoff": {"initial": 0.05, "factor": 1.5, "max": 0.1},
 "output_backoff": {"initial": 0.05, "factor": 1.5, "max": 0.1}}
JSON
# Port 9 (discard) on loopback: nothing listens, every connect is refused at once.
"$BIN" run --config "$OUT/fast-backoff.json" --audio http://127.0.0.1:9/radio.mp3 \
  --output rtmp://127.0.0.1:9/live/soak --size 640x360 --vbitrate 500k --http-port $PORT \
  --duration "$DUR" 2>"$OUT/log" &
pid=$!
for t in $(seq 10 10 "$DUR"); do
  sleep 10
  kill -0 $pid 2>/dev/null || break
  s=$(curl -sf "http://127.0.0.1:$PORT/api/v1/status" || echo '{}')
  in=$(echo "$s" | grep -o '"reconnects":[0-9]*' | head -1 | cut -d: -f2)
  outa=$(echo "$s" | grep -o '"attempt":[0-9]*' | head -1 | cut -d: -f2)
  echo "t=${t}s RSS $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$pid/status) MB, station attempts ${in:-?}, ingest attempt ${outa:-?}"
done
wait $pid || true
echo "log lines: $(wc -l < "$OUT/log")"
rm -rf "$OUT"
