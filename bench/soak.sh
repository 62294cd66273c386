#!/usr/bin/env bash
# Soak: MEDIA_SECONDS (default 3600) of output, faster than real time, with a loop switch every
# SWITCH_EVERY wall seconds through the HTTP API. Reports RSS at start and end, switches done,
# DTS monotonicity and the A/V end offset of the result. Not part of CI (it takes a while).
# SOAK_ART=1: every switch is an AzuraCast webhook for a new song with cover art (served on
# loopback), the overlay drawing title + art: the overlay graph is rebuilt at each song.
# SOAK_FAULTS=1: on the loopback rig with a switch every 30 s of media, the station dropped every
# 10 min and the ingest every 30 min (bench/soak_faults.sh; its env vars set the cadence).
# Usage: [SOAK_ART=1 | SOAK_FAULTS=1] bench/soak.sh [MEDIA_SECONDS=3600] [SWITCH_EVERY=5]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SOAK_FAULTS:-0}" = 1 ] && exec bash "$(dirname "$0")/soak_faults.sh" "$@"  # faults on the rig: see there
MEDIA=${1:-3600}; EVERY=${2:-5}
BIN=${LOOPCAST_BIN:-./build/loopcast}
OUT=$(mktemp -d /tmp/loopcast-soak.XXXXXX)
PORT=18290; ART_PORT=18291
EXTRA=()
if [ "${SOAK_ART:-0}" = 1 ]; then
  for c in red blue; do ffmpeg -v error -f lavfi -i "color=$c:s=300x300" -frames:v 1 "$OUT/$c.png"; done
  (cd "$OUT" && exec python3 -m http.server $ART_PORT --bind 127.0.0.1 >/dev/null 2>&1) &
  art_pid=$!
  trap 'kill $art_pid 2>/dev/null' EXIT
  EXTRA=(--overlay true --overlay-art true)
fi
"$BIN" run --no-realtime --duration "$MEDIA" --audio tests/fixtures/tone_3s.mp3 --output "$OUT/soak.flv" \
  --loops-dir assets/loops --size 1280x720 --preset ultrafast --http-port $PORT --crossfade 0.5 "${EXTRA[@]}" 2>"$OUT/log" &
pid=$!
switch() {  # n: the nth switch
  local loop=${loops[$(($1 % 2))]} art=(red blue)
  if [ "${SOAK_ART:-0}" = 1 ]; then
    curl -sf -X POST "http://127.0.0.1:$PORT/webhook/azuracast" -d "{\"now_playing\":{\"sh_id\":$(($1 + 1)),\"song\":{\"artist\":\"Soak\",\"title\":\"Song $1\",\"art\":\"http://127.0.0.1:$ART_PORT/${art[$(($1 % 2))]}.png\",\"custom_fields\":{\"loop\":\"$loop\"}}}}" >/dev/null
  else
    curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/track" -d "{\"loop\":\"$loop\"}" >/dev/null
  fi
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0; }
sleep 5; rss_start=$(rss); t0=$(date +%s); n=0; loops=(ocean sunset)
while kill -0 $pid 2>/dev/null; do
  sleep "$EVERY"
  switch $n && n=$((n + 1)) || true
  r=$(rss); [ "$r" != 0 ] && rss_end=$r
  [ $((n % 20)) -eq 0 ] && [ "$r" != 0 ] && echo "  after $n switches: RSS $((r / 1024)) MB" >&2
done
wait $pid
wall=$(( $(date +%s) - t0 + 5 ))
ffprobe -v error -show_entries packet=stream_index,dts_time,pts_time,duration_time -of csv=p=0 "$OUT/soak.flv" > "$OUT/packets.csv"
awk -F, -v media="$MEDIA" -v rs="$rss_start" -v re="${rss_end:-0}" -v n="$n" -v wall="$wall" '
  { s=$1; d=$3+0; if (s in last && d <= last[s]) bad[s]++; last[s]=d; e=$2+$4; if (e>end[s]) end[s]=e; cnt[s]++ }
  END {
    printf "soak: %d s of media in %d s wall (%.1fx real time), %d switch requests\n", media, wall, media/wall, n
    printf "RSS: %.1f MB after 5 s, %.1f MB at the end (%+.1f MB)\n", rs/1024, re/1024, (re-rs)/1024
    printf "packets: video %d, audio %d; DTS violations: video %d, audio %d\n", cnt[0], cnt[1], bad[0]+0, bad[1]+0
    printf "A/V end offset: %.3f s (video %.3f, audio %.3f)\n", end[0]-end[1], end[0], end[1]
  }' "$OUT/packets.csv"
grep -c "switched to loop" "$OUT/log" | sed 's/^/switches on air: /'
[ "${SOAK_ART:-0}" = 1 ] && echo "cover art warnings: $(grep -c "cover art" "$OUT/log" || true)"
rm -rf "$OUT"
