#!/usr/bin/env bash
# HEVC at splice cost (issue 28): the rig's loop prepared once in H.264 (x264 slow, the cache's
# tuning) and in HEVC (x265 medium), each at two bitrates; then splice streams of each to hls:DIR
# against the ffmpeg CLI copying the same cached loop to HLS (`-c:v copy`, AAC encoded: the
# equivalent command). Reports the CPU per output second of the streams (both ~copy), the one-off
# prepare cost, and the picture quality each cache puts on air at equal bitrate: SSIM of the cached
# loop (exactly the packets that are spliced) against the source loop scaled the same way.
# Usage: bench/hevc_splice.sh [DURATION=60] [SIZE=1280x720] [BITRATES="1500k 750k"]  (needs ./build/loopcast, the rig, `time`)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-60}
SIZE=${2:-1280x720}
RATES=${3:-1500k 750k}
BIN=${LOOPCAST_BIN:-./build/loopcast}
RTMP=19870; ICE=18670; HTTP=18692
NAME=hevc-splice; source bench/rig_up.sh
W=${SIZE%x*}; H=${SIZE#*x}
mkdir -p "$RIG/one"; cp "$RIG/loops/a.mp4" "$RIG/one/"; LOOP="$RIG/one/a.mp4"  # a loops dir of its own: prepare encodes this one loop
measure() {  # name, command...: prints "cpu_s rss_kb"
  local name=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$RIG/$name.time" "$@" >"$RIG/$name.log" 2>&1 || true
  awk '{printf "%.2f %d\n", $1+$2, $3}' "$RIG/$name.time"
}
ssim() {  # a cached loop: its mean SSIM (All) against the source loop
  ffmpeg -hide_banner -nostdin -i "$1" -i "$LOOP" -lavfi "[1:v]scale=$W:$H[ref];[0:v][ref]ssim" -f null - 2>&1 |
    grep -o 'All:[0-9.]*' | tail -1 | cut -d: -f2
}
kbps() { ffprobe -v error -show_entries format=bit_rate -of csv=p=0 "$1" | awk '{printf "%d", $1/1000}'; }
printf "HEVC splice vs H.264 splice: %s@30, loop %s, %d s streams to hls:DIR, %d cores\n" "$SIZE" "$(basename "$LOOP")" "$DUR" "$(nproc)"
printf "%-8s %-6s %11s %12s %9s %12s %8s %8s\n" codec rate "prepare s" "cpu s/out s" "peak MB" "vs ffmpeg" "kb/s" SSIM
for RATE in $RATES; do
  for CODEC in h264 hevc; do
    CACHE="$RIG/cache-$CODEC-$RATE"; OUT="$RIG/hls-$CODEC-$RATE"; FF="$RIG/ff-$CODEC-$RATE"; mkdir -p "$OUT" "$FF"
    PROFILE=(--codec "$CODEC" --size "$SIZE" --fps 30 --vbitrate "$RATE" --cache-dir "$CACHE")
    read -r prep _ <<<"$(measure "prep-$CODEC-$RATE" "$BIN" prepare --loop "$LOOP" --loops-dir "$RIG/one" "${PROFILE[@]}")"
    ENTRY=$(ls "$CACHE"/*.mp4)
    read -r lc lr <<<"$(measure "lc-$CODEC-$RATE" "$BIN" run --video-mode splice --loop "$LOOP" --loops-dir "$RIG/one" --audio "$AUDIO" "${PROFILE[@]}" \
      --output "hls:$OUT" --duration "$DUR" --http-port $HTTP)"
    read -r fc _ <<<"$(measure "ff-$CODEC-$RATE" ffmpeg -hide_banner -nostdin -re -stream_loop -1 -i "$ENTRY" -i "$AUDIO" -map 0:v -map 1:a \
      -c:v copy -c:a aac -b:a 128k -t "$DUR" -f hls -hls_time 2 -hls_list_size 6 -hls_flags delete_segments "$FF/index.m3u8")"
    awk -v c="$CODEC" -v r="$RATE" -v p="$prep" -v lc="$lc" -v lr="$lr" -v fc="$fc" -v d="$DUR" -v k="$(kbps "$ENTRY")" -v s="$(ssim "$ENTRY")" \
      'BEGIN { printf "%-8s %-6s %11.1f %12.4f %9.1f %11.2fx %8d %8s\n", c, r, p, lc/d, lr/1024, (fc > 0 ? lc/fc : 0), k, s }'
  done
done
