#!/usr/bin/env bash
# What HEVC buys (issue 28): loopcast encode mode with --codec hevc (libx265) against --codec h264
# (libx264), same picture, size, bitrate and preset, both to hls:DIR (MPEG-TS: FLV cannot carry
# HEVC in FFmpeg 5.1), and the ffmpeg CLI doing the same two encodes; then the picture quality at
# that equal bitrate: SSIM of the CLI's recordings (it keeps every segment; loopcast's hls:DIR keeps
# a rolling minute's tail only) against the source loop scaled the same way (output frame n is loop
# frame n mod its length). Same encoders, same rate control: the codecs' difference, not a tool's.
# Usage: bench/hevc.sh [DURATION=60] [SIZE=1280x720] [BITRATE=1500k]  (needs ./build/loopcast, the rig, `time`)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-60}
SIZE=${2:-1280x720}
RATE=${3:-1500k}
BIN=${LOOPCAST_BIN:-./build/loopcast}
RTMP=19850; ICE=18650; HTTP=18690
NAME=hevc; source bench/rig_up.sh
W=${SIZE%x*}; H=${SIZE#*x}
measure() {  # name, command...: prints "cpu_s rss_kb"
  local name=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$RIG/$name.time" "$@" >"$RIG/$name.log" 2>&1 || true
  awk '{printf "%.2f %d\n", $1+$2, $3}' "$RIG/$name.time"
}
run_loopcast() {  # codec
  mkdir -p "$RIG/lc-$1"
  measure "lc-$1" "$BIN" run --codec "$1" --loop "$RIG/loops/a.mp4" --audio "$AUDIO" --size "$SIZE" --fps 30 --vbitrate "$RATE" \
    --preset veryfast --output "hls:$RIG/lc-$1" --duration "$DUR" --http-port $HTTP
}
run_ffmpeg() {  # encoder
  mkdir -p "$RIG/ff-$1"
  measure "ff-$1" ffmpeg -hide_banner -nostdin -re -stream_loop -1 -i "$RIG/loops/a.mp4" -i "$AUDIO" -map 0:v -map 1:a \
    -vf "scale=$W:$H" -c:v "$1" -preset veryfast -b:v "$RATE" -maxrate "$RATE" -bufsize "$(( ${RATE%k} * 2 ))k" -g 60 -bf 2 \
    -pix_fmt yuv420p -c:a aac -b:a 128k -t "$DUR" -f hls -hls_time 2 -hls_list_size 0 "$RIG/ff-$1/index.m3u8"
}
ssim() {  # recording dir: the mean SSIM (All) of its first 20 s against the loop
  cat $(ls -v "$1"/index*.ts) >"$1/all.ts"
  ffmpeg -hide_banner -nostdin -i "$1/all.ts" -stream_loop -1 -i "$RIG/loops/a.mp4" \
    -lavfi "[1:v]scale=$W:$H,setpts=PTS-STARTPTS[ref];[0:v]setpts=PTS-STARTPTS[out];[out][ref]ssim" -t 20 -f null - 2>&1 |
    grep -o 'All:[0-9.]*' | tail -1 | cut -d: -f2
}
LH=$(run_loopcast h264); LX=$(run_loopcast hevc)
FH=$(run_ffmpeg libx264); FX=$(run_ffmpeg libx265)
SH=$(ssim "$RIG/ff-libx264"); SX=$(ssim "$RIG/ff-libx265")
read -r lh_c lh_r <<<"$LH"; read -r lx_c lx_r <<<"$LX"; read -r fh_c fh_r <<<"$FH"; read -r fx_c fx_r <<<"$FX"
awk -v d="$DUR" -v size="$SIZE" -v rate="$RATE" -v cores="$(nproc)" -v lhc="$lh_c" -v lhr="$lh_r" -v lxc="$lx_c" -v lxr="$lx_r" \
    -v fhc="$fh_c" -v fhr="$fh_r" -v fxc="$fx_c" -v fxr="$fx_r" -v sh="$SH" -v sx="$SX" 'BEGIN {
  printf "HEVC vs H.264: %s@30 %s veryfast, %d s to hls:DIR, %d cores\n", size, rate, d, cores
  printf "%-28s %12s %9s %12s %8s\n", "", "cpu s/out s", "peak MB", "vs ffmpeg", "SSIM"
  printf "%-28s %12.3f %9.1f %11.2fx\n", "loopcast --codec h264", lhc/d, lhr/1024, lhc/fhc
  printf "%-28s %12.3f %9.1f %11.2fx\n", "loopcast --codec hevc", lxc/d, lxr/1024, lxc/fxc
  printf "%-28s %12.3f %9.1f %12s %8s\n", "ffmpeg CLI libx264", fhc/d, fhr/1024, "-", sh
  printf "%-28s %12.3f %9.1f %12s %8s\n", "ffmpeg CLI libx265", fxc/d, fxr/1024, "-", sx
  printf "hevc costs %.1fx the CPU of h264 here\n", lxc/lhc
}'
