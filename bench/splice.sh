#!/usr/bin/env bash
# Benchmark of the encode-once video path, same machine, same run: loopcast splice mode (cached
# loops copied, one switch midway) vs loopcast encode mode vs the ffmpeg `-c:v copy` command that
# loops one pre-encoded file. All stream the rig's 720p30 loop + its Icecast MP3 (AAC 128k) to its
# nginx-rtmp for DURATION seconds. Prints CPU seconds per output second and peak RSS; then
# STREAMS splice streams at once (default 20): total CPU per output second, dropped frames.
# Usage: bench/splice.sh [DURATION=60] [STREAMS=20]  (needs ./build/loopcast, the rig, `time`)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-60}
STREAMS=${2:-20}
BIN=${LOOPCAST_BIN:-./build/loopcast}
RTMP=19550; ICE=18300; HTTP=18390
NAME=splice; source bench/rig_up.sh
PROFILE=(--size 1280x720 --fps 30 --vbitrate 2500k --abitrate 128k --cache-dir "$RIG/cache")

measure() {  # name, command...: prints "cpu_s rss_kb wall_s"
  local name=$1; shift
  /usr/bin/time -f "%U %S %M %e" -o "$RIG/$name.time" "$@" >"$RIG/$name.log" 2>&1 || true
  awk '{printf "%.2f %d %.2f\n", $1+$2, $3, $4}' "$RIG/$name.time"
}
loopcast_args() {  # name, mode, port: the run flags, one per line
  printf '%s\n' run --video-mode "$2" --loop a --loops-dir "$RIG/loops" --audio "$AUDIO" "${PROFILE[@]}" \
    --output "rtmp://127.0.0.1:$RTMP/live/$1" --duration "$DUR" --http-port "$3"
}
status_field() { curl -sf "http://127.0.0.1:$1/api/v1/status" | grep -o "\"$2\":[0-9.]*" | head -1 | cut -d: -f2; }

PREP=$(measure prepare "$BIN" prepare --loops-dir "$RIG/loops" "${PROFILE[@]}")
( sleep $((DUR / 2)); curl -sf -X POST "http://127.0.0.1:$HTTP/api/v1/track" -d '{"loop":"b"}' >/dev/null || true ) &
( sleep $((DUR - 3)); status_field $HTTP dropped_frames > "$RIG/splice.dropped" || true ) &
mapfile -t args < <(loopcast_args splice splice $HTTP)
SP=$(measure splice "$BIN" "${args[@]}")
wait
mapfile -t args < <(loopcast_args encode encode $((HTTP + 1)))
EN=$(measure encode "$BIN" "${args[@]}" --preset veryfast)
FF=$(measure ffmpeg ffmpeg -hide_banner -nostdin -re -stream_loop -1 -i "$RIG/loops/a.mp4" -i "$AUDIO" \
  -map 0:v -map 1:a -c:v copy -c:a aac -b:a 128k -ar 44100 -ac 2 -t "$DUR" -f flv "rtmp://127.0.0.1:$RTMP/live/ffcopy")

# STREAMS splice streams at once (one process each, until channels share one).
pids=()
for i in $(seq "$STREAMS"); do
  mapfile -t args < <(loopcast_args "many$i" splice $((HTTP + 10 + i)))
  /usr/bin/time -f "%U %S %M" -o "$RIG/many-$i.time" "$BIN" "${args[@]}" >"$RIG/many-$i.log" 2>&1 &
  pids+=($!)
done
sleep $((DUR - 3))
dropped=0; slow=0; answered=0
for i in $(seq "$STREAMS"); do  # behind real time: media produced lags the pipeline's uptime by > 0.5 s
  d=$(status_field $((HTTP + 10 + i)) dropped_frames || true); [ -n "$d" ] && answered=$((answered + 1))
  dropped=$((dropped + ${d:-0}))
  up=$(status_field $((HTTP + 10 + i)) uptime || true); out=$(status_field $((HTTP + 10 + i)) output_seconds || true)
  awk -v u="${up:-0}" -v o="${out:-0}" 'BEGIN {exit !(u - o > 0.5)}' && slow=$((slow + 1))
done
wait "${pids[@]}" || true
MANY=$(cat "$RIG"/many-*.time | awk '{c += $1 + $2; if ($3 > r) r = $3} END {printf "%.2f %d", c, r}')

read -r sp_cpu sp_rss _ <<<"$SP"; read -r en_cpu en_rss _ <<<"$EN"; read -r ff_cpu ff_rss _ <<<"$FF"
read -r pr_cpu pr_rss pr_wall <<<"$PREP"; read -r many_cpu many_rss <<<"$MANY"
awk -v d="$DUR" -v n="$STREAMS" -v sc="$sp_cpu" -v sr="$sp_rss" -v ec="$en_cpu" -v er="$en_rss" -v fc="$ff_cpu" -v fr="$ff_rss" \
    -v pc="$pr_cpu" -v pw="$pr_wall" -v mc="$many_cpu" -v mr="$many_rss" -v md="$dropped" -v ms="$slow" -v ma="$answered" \
    -v sd="$(cat "$RIG/splice.dropped" 2>/dev/null || echo n/a)" -v cores="$(nproc)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  printf "splice benchmark: %d s of 1280x720@30 2500k + AAC 128k to nginx-rtmp, %d cores, load %s\n", d, cores, load
  printf "%-24s %14s %12s\n", "", "cpu s/out s", "peak RSS MB"
  printf "%-24s %14.3f %12.1f   (dropped frames: %s)\n", "loopcast splice", sc/d, sr/1024, sd
  printf "%-24s %14.3f %12.1f\n", "loopcast encode", ec/d, er/1024
  printf "%-24s %14.3f %12.1f\n", "ffmpeg -c:v copy", fc/d, fr/1024
  printf "prepare (a + b, once): %.1f CPU s, %.1f s wall\n", pc, pw
  printf "%d splice streams at once: %.3f CPU s per output second in total (%.3f per stream), peak RSS %.1f MB each,\n", n, mc/d, mc/d/n, mr/1024
  printf "  %d of %d answered: %d dropped frames, %d streams more than 0.5 s behind real time\n", ma, n, md, ms
}'
