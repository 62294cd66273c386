#!/usr/bin/env bash
# Channels benchmark: ONE loopcast process with N streams (the `streams` config array), each
# streaming the rig's 720p30 loop + its Icecast MP3 (AAC 128k) to its own nginx-rtmp app name for
# DURATION seconds. Prints, per stream and in total: CPU seconds per output second, RSS, dropped
# and duplicated frames, and whether every stream kept real time (media time within 0.5 s of its
# uptime). CPU is measured for the whole process (threads are not attributed to streams): the
# per-stream figure is the total divided by N.
# Usage: bench/channels.sh N [DURATION=60] [MODE=encode|splice] [SIZE=1280x720]
#   splice: the loops are prepared first (`loopcast prepare`, not counted).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:?usage: bench/channels.sh N [DURATION] [MODE] [SIZE]}
DUR=${2:-60}
MODE=${3:-encode}
SIZE=${4:-1280x720}
BIN=${LOOPCAST_BIN:-./build/loopcast}
RTMP=${BENCH_RTMP:-19650}; ICE=$((RTMP - 1250)); HTTP=$((RTMP - 1150))
NAME=channels; source bench/rig_up.sh
PROFILE=(--size "$SIZE" --fps 30 --vbitrate 2500k --abitrate 128k --cache-dir "$RIG/cache")
if [ "$MODE" = splice ] && ! "$BIN" prepare --loops-dir "$RIG/loops" "${PROFILE[@]}" >"$RIG/prepare.log" 2>&1; then
  echo "loopcast prepare failed:" >&2; cat "$RIG/prepare.log" >&2; exit 1
fi

{
  printf '{"http_port": %d, "loop": "%s", "audio": "%s", "video_mode": "%s", "duration": %d, "streams": [\n' \
    "$HTTP" "$RIG/loops/a.mp4" "$AUDIO" "$MODE" "$DUR"
  for i in $(seq "$N"); do
    printf '  {"id": "ch%d", "output": "rtmp://127.0.0.1:%d/live/ch%d"}%s\n' "$i" "$RTMP" "$i" "$([ "$i" -lt "$N" ] && echo , || true)"
  done
  printf ']}\n'
} >"$RIG/channels.json"

field() { grep -o "\"$2\":[0-9.e+-]*" <<<"$1" | head -1 | cut -d: -f2; }
( sleep $((DUR - 3))
  for i in $(seq "$N"); do curl -sf "http://127.0.0.1:$HTTP/api/v1/streams/ch$i/status" >"$RIG/ch$i.status" || true; done
  pid=$(pgrep -n -f "$RIG/channels.json" || true)
  [ -n "$pid" ] && grep VmRSS "/proc/$pid/status" | awk '{print $2}' >"$RIG/rss.now" || true ) &
/usr/bin/time -f "%U %S %M %e" -o "$RIG/run.time" "$BIN" run --config "$RIG/channels.json" "${PROFILE[@]}" >"$RIG/run.log" 2>&1 || true
wait
read -r user sys peak wall <"$RIG/run.time"
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
# Media produced by every stream over the whole run (the pipelines' "off air after X s of media").
media=$(grep -o 'off air after [0-9.]*s of media' "$RIG/run.log" | awk '{m += $4 + 0} END {print m + 0}')
printf 'channels benchmark: %d stream(s) in one process, %s %s@30 2500k + AAC 128k, %d s, %d cores, load %s\n' \
  "$N" "$MODE" "$SIZE" "$DUR" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %8s %8s %8s %8s %7s %9s\n' stream uptime out_s dropped duplic speed realtime
all_rt=yes
for i in $(seq "$N"); do
  s=$(cat "$RIG/ch$i.status" 2>/dev/null || true)
  out=$(field "$s" output_seconds); up=$(field "$s" uptime)
  rt=$(awk -v u="${up:-0}" -v o="${out:-0}" 'BEGIN {print (o > 0 && u - o <= 0.5) ? "yes" : "no"}')
  [ "$rt" = yes ] || all_rt=no
  printf '%-6s %8.1f %8.1f %8s %8s %7.3f %9s\n' "ch$i" "${up:-0}" "${out:-0}" "$(field "$s" dropped_frames)" "$(field "$s" duplicated_frames)" "$(field "$s" speed)" "$rt"
done
awk -v c="$cpu" -v m="$media" -v n="$N" -v p="$peak" -v now="$(cat "$RIG/rss.now" 2>/dev/null || echo 0)" -v rt="$all_rt" 'BEGIN {
  if (m <= 0) m = 1
  printf "CPU: %.1f s for %.1f s of media in all: %.3f CPU s per output second per stream, %.3f for all %d together\n", c, m, c / m, c / m * n, n
  printf "RSS: peak %.1f MB (%.1f MB near the end), %.1f MB per stream; every stream kept real time: %s\n", p / 1024, now / 1024, p / 1024 / n, rt
}'
