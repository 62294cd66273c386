#!/usr/bin/env bash
# Cost of what viewers see (issue 15): CPU seconds per output second of loopcast in encode mode,
# plain, with each visualiser and with the cover-art scene, one after the other on the same
# 720p30 loop and audio; and, for the choice of the visualiser's drawing, the same x264 settings
# through the ffmpeg CLI plain and with libavfilter's showfreqs/showwaves + overlay.
# Output to local .flv files (no ingest in the measurement); real-time paced like a live stream.
# Usage: bench/scenes.sh [DURATION=40] [ROUNDS=1]   (needs ./build/loopcast, ffmpeg, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-40}
ROUNDS=${2:-1}
BIN=${LOOPCAST_BIN:-./build/loopcast}
TMP=$(mktemp -d /tmp/loopcast-scenes.XXXXXX)
HTTP=18290; ART=18291
trap 'kill $srv 2>/dev/null || true; rm -rf "$TMP"' EXIT
ffmpeg -v error -f lavfi -i "testsrc2=s=1280x720:r=30:d=10" -c:v libx264 -preset veryfast -g 60 -pix_fmt yuv420p "$TMP/loop.mp4"
ffmpeg -v error -f lavfi -i "sine=f=440:d=120,aformat=channel_layouts=stereo" -f lavfi -i "sine=f=1500:d=120" \
  -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=stereo" -ar 44100 "$TMP/music.wav"
ffmpeg -v error -f lavfi -i "testsrc=s=600x600:d=1" -frames:v 1 "$TMP/cover.png"
(cd "$TMP" && exec python3 -m http.server $ART --bind 127.0.0.1 >/dev/null 2>&1) & srv=$!

cpu() {  # command...: prints user+system CPU seconds
  /usr/bin/time -f "%U %S" -o "$TMP/time" "$@" >"$TMP/last.log" 2>&1 || true
  awk '{printf "%.2f\n", $1+$2}' "$TMP/time"
}
loopcast() {  # extra flags...
  cpu "$BIN" run --loop "$TMP/loop.mp4" --audio "$TMP/music.wav" --output "$TMP/out.flv" --duration "$DUR" --http-port $HTTP \
    --preset veryfast --vbitrate 2500k --size 1280x720 --fps 30 --video-mode encode "$@"
}
art_webhook() {  # once the stream runs: a song with cover art, so the art scene is on air for the run
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$HTTP/api/v1/status" | grep -q '"running":true' && break; sleep 0.05; done
  curl -sf -X POST "http://127.0.0.1:$HTTP/webhook/azuracast" -H 'Content-Type: application/json' \
    -d "{\"now_playing\":{\"sh_id\":1,\"song\":{\"artist\":\"Air\",\"title\":\"Sexy Boy\",\"album\":\"Moon Safari\",\"art\":\"http://127.0.0.1:$ART/cover.png\"}}}" >/dev/null
}
X264=(-c:v libx264 -preset veryfast -b:v 2500k -maxrate 2500k -bufsize 5000k -g 60 -bf 2 -pix_fmt yuv420p -c:a aac -b:a 128k)
ffmpeg_run() {  # filter_complex (empty = plain)
  local fc=(-map 0:v -map 1:a)
  [ -n "$1" ] && fc=(-filter_complex "$1" -map "[v]" -map 1:a)
  cpu ffmpeg -hide_banner -nostdin -y -re -stream_loop -1 -i "$TMP/loop.mp4" -re -i "$TMP/music.wav" "${fc[@]}" "${X264[@]}" -t "$DUR" "$TMP/ff.flv"
}

declare -A total
names=(plain bars wave spectrum art ff_plain ff_showfreqs ff_showwaves)
for n in "${names[@]}"; do total[$n]=0; done
add() { total[$1]=$(awk -v a="${total[$1]}" -v b="$2" 'BEGIN{print a+b}'); }
for _ in $(seq "$ROUNDS"); do
  add plain "$(loopcast)"
  add bars "$(loopcast --visualizer bars)"
  add wave "$(loopcast --visualizer wave)"
  add spectrum "$(loopcast --visualizer spectrum)"
  art_webhook & hook=$!
  add art "$(loopcast --background art)"
  wait $hook || true
  grep -q "switched to loop '@art'" "$TMP/last.log" || echo "warning: the art scene never went on air in the art run" >&2
  add ff_plain "$(ffmpeg_run "")"
  add ff_showfreqs "$(ffmpeg_run "[1:a]showfreqs=s=1280x120:mode=bar:ascale=log:fscale=log:colors=white,format=yuva420p[vis];[0:v][vis]overlay=0:H-h:shortest=1[v]")"
  add ff_showwaves "$(ffmpeg_run "[1:a]showwaves=s=1280x120:mode=cline:r=30:colors=white,format=yuva420p[vis];[0:v][vis]overlay=0:H-h:shortest=1[v]")"
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v d="$DUR" -v r="$ROUNDS" -v cores="$(nproc)" -v load="$load" \
    -v p="${total[plain]}" -v b="${total[bars]}" -v w="${total[wave]}" -v s="${total[spectrum]}" -v a="${total[art]}" \
    -v fp="${total[ff_plain]}" -v ff="${total[ff_showfreqs]}" -v fw="${total[ff_showwaves]}" 'BEGIN {
  n = d * r
  printf "scenes: %d x %d s of 1280x720@30 H.264 2500k veryfast + AAC, %d cores, load after: %s\n", r, d, cores, load
  printf "%-30s %12s %10s\n", "", "cpu s/out s", "vs plain"
  printf "%-30s %12.3f %10s\n", "loopcast plain encode", p/n, "-"
  printf "%-30s %12.3f %+9.1f%%\n", "loopcast --visualizer bars", b/n, (b/p-1)*100
  printf "%-30s %12.3f %+9.1f%%\n", "loopcast --visualizer wave", w/n, (w/p-1)*100
  printf "%-30s %12.3f %+9.1f%%\n", "loopcast --visualizer spectrum", s/n, (s/p-1)*100
  printf "%-30s %12.3f %+9.1f%%\n", "loopcast --background art", a/n, (a/p-1)*100
  printf "%-30s %12.3f %10s\n", "ffmpeg plain", fp/n, "-"
  printf "%-30s %12.3f %+9.1f%%\n", "ffmpeg showfreqs+overlay", ff/n, (ff/fp-1)*100
  printf "%-30s %12.3f %+9.1f%%\n", "ffmpeg showwaves+overlay", fw/n, (fw/fp-1)*100
}'
