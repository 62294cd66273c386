#!/usr/bin/env bash
# Per-output profiles (issue 28, simulcast): one stream at 1280x720 2500k with a second output of
# its own profile (640x360 800k), in encode mode, against the same stream with one output (what
# the second profile adds), against the ffmpeg CLI doing the same two encodes from one input
# (split + scale, two libx264, as people simulcast with it), and in splice mode (one cache per
# profile, prepared first). CPU per output second and peak RSS, as ratios.
# Usage: bench/profiles.sh [DURATION=40]  (needs ./build/loopcast, the rig, `time`)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-40}
BIN=${LOOPCAST_BIN:-./build/loopcast}
RTMP=19880; ICE=18680; HTTP=18693
NAME=profiles; source bench/rig_up.sh
mkdir -p "$RIG/one"; cp "$RIG/loops/a.mp4" "$RIG/one/"; LOOP="$RIG/one/a.mp4"
measure() {  # name, command...: prints "cpu_s rss_kb"
  local name=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$RIG/$name.time" "$@" >"$RIG/$name.log" 2>&1 || true
  awk '{printf "%.2f %d\n", $1+$2, $3}' "$RIG/$name.time"
}
COMMON=(--loop "$LOOP" --loops-dir "$RIG/one" --audio "$AUDIO" --size 1280x720 --fps 30 --vbitrate 2500k --preset veryfast
        --cache-dir "$RIG/cache" --duration "$DUR" --http-port $HTTP)
SMALL="#size=640x360&vbitrate=800k"
read -r one_c one_r <<<"$(measure one "$BIN" run "${COMMON[@]}" --output "$RIG/one.flv")"
read -r two_c two_r <<<"$(measure two "$BIN" run "${COMMON[@]}" --output "$RIG/big.flv" --output "$RIG/small.flv$SMALL")"
read -r ff_c ff_r <<<"$(measure ff ffmpeg -hide_banner -nostdin -re -stream_loop -1 -i "$LOOP" -i "$AUDIO" \
  -filter_complex "[0:v]scale=1280:720,split[a][b];[b]scale=640:360[s]" \
  -map "[a]" -map 1:a -c:v libx264 -preset veryfast -b:v 2500k -maxrate 2500k -bufsize 5000k -g 60 -bf 2 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -t "$DUR" "$RIG/ff-big.flv" \
  -map "[s]" -map 1:a -c:v libx264 -preset veryfast -b:v 800k -maxrate 800k -bufsize 1600k -g 60 -bf 2 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -t "$DUR" "$RIG/ff-small.flv")"
"$BIN" prepare "${COMMON[@]}" --output "$RIG/x.flv" --output "$RIG/y.flv$SMALL" >"$RIG/prepare.log" 2>&1
read -r sp_c sp_r <<<"$(measure splice "$BIN" run "${COMMON[@]}" --video-mode splice --output "$RIG/sbig.flv" --output "$RIG/ssmall.flv$SMALL")"
awk -v d="$DUR" -v oc="$one_c" -v or="$one_r" -v tc="$two_c" -v tr="$two_r" -v fc="$ff_c" -v fr="$ff_r" -v sc="$sp_c" -v sr="$sp_r" \
    -v cores="$(nproc)" 'BEGIN {
  printf "per-output profiles: 1280x720 2500k + 640x360 800k, veryfast, %d s, %d cores\n", d, cores
  printf "%-44s %12s %9s %10s\n", "", "cpu s/out s", "peak MB", "vs ffmpeg"
  printf "%-44s %12.3f %9.1f %10s\n", "loopcast, one output (720p)", oc/d, or/1024, "-"
  printf "%-44s %12.3f %9.1f %9.2fx\n", "loopcast, 720p + its own 360p profile", tc/d, tr/1024, tc/fc
  printf "%-44s %12.3f %9.1f %10s\n", "ffmpeg CLI, split to the same two encodes", fc/d, fr/1024, "-"
  printf "%-44s %12.3f %9.1f %9.2fx\n", "loopcast splice, both profiles cached", sc/d, sr/1024, sc/fc
  printf "the 360p profile adds %.0f%% to the 720p stream\n", (tc/oc - 1) * 100
}'
