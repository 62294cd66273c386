#!/usr/bin/env bash
# A typical station's picture (issue 22): station logo + an 8 s title card per song over its loop,
# and every other song on its cover-art scene, songs changing every SONG seconds (default 60, four
# times a real station's 4-minute songs: the compose cost is over-counted, not hidden). Same run,
# same 720p30 loops and audio, output to the rig's nginx-rtmp:
#   loopcast splice (cards and scenes composed ahead)  vs  loopcast encode (drawn per frame)
#   vs the ffmpeg CLI as people run it (drawtext textfile=…:reload=1 + logo overlay, no scenes);
# then STREAMS such channels in ONE splice process, their songs changing at once: total CPU,
# dropped frames, cards late or skipped.
# Usage: [CHANNELS_ONLY=1] bench/station.sh [DURATION=120] [STREAMS=20] [SONG=60] [CH_SONG=120]  (needs ./build/loopcast, the rig, `time`)
# Prints the compose cost per song (splice with songs minus splice without) and what it comes to
# for a station with 4-minute songs.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-120}
STREAMS=${2:-20}
SONG=${3:-60}
CH_SONG=${4:-120}  # staggered channels: each changes song every CH_SONG s (real stations: ~240)
BIN=${LOOPCAST_BIN:-./build/loopcast}
RTMP=19750; ICE=18500; HTTP=18590; ART=18591
NAME=station; source bench/rig_up.sh
trap 'kill ${srv:-} 2>/dev/null || true; bash "$RIGSRC/down.sh" "$RIG" 2>/dev/null || true; rm -rf "$RIG"' EXIT
ffmpeg -v error -f lavfi -i "color=c=0x00c8ff@0.8:s=160x80,format=rgba" -frames:v 1 "$RIG/logo.png"
ffmpeg -v error -f lavfi -i "testsrc=s=600x600:d=1" -frames:v 1 "$RIG/cover.png"
(cd "$RIG" && exec python3 -m http.server $ART --bind 127.0.0.1 >/dev/null 2>&1) & srv=$!
printf '{"default": "a.mp4", "rules": [{"artist": "Air", "loop": "@art"}]}\n' >"$RIG/mapping.json"
PROFILE=(--size 1280x720 --fps 30 --vbitrate 2500k --abitrate 128k --cache-dir "$RIG/cache" --logo "$RIG/logo.png")
STATION=(--mapping "$RIG/mapping.json" --loops-dir "$RIG/loops" --title-card 8 --switch-delay 10)
"$BIN" prepare --loops-dir "$RIG/loops" "${PROFILE[@]}" >"$RIG/prepare.log" 2>&1 || { cat "$RIG/prepare.log" >&2; exit 1; }

measure() {  # name, command...: prints "cpu_s rss_kb"
  local name=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$RIG/$name.time" "$@" >"$RIG/$name.log" 2>&1 || true
  awk '{printf "%.2f %d\n", $1+$2, $3}' "$RIG/$name.time"
}
song() {  # n, tag: an AzuraCast payload; odd songs are Air's (the cover scene), even ones get a title card
  local artist="Daft Punk" title="Track $1$2"
  [ $(($1 % 2)) = 1 ] && artist="Air"
  printf '{"now_playing":{"sh_id":%d,"song":{"artist":"%s","title":"%s","album":"Album %d","art":"http://127.0.0.1:%d/cover.png"}},' \
    "$1" "$artist" "$title" "$1" "$ART"
  printf '"playing_next":{"song":{"artist":"Next","title":"Song %d"}},"is_online":true}' $(($1 + 1))
}
drive() {  # port, paths...: a new song every SONG s (from 2 s in), posted to each webhook path at once
  sleep 2
  for n in $(seq 0 $((DUR / SONG))); do
    for p in "${@:2}"; do  # each channel its own songs (no shared card)
      curl -sf -m 2 -X POST "http://127.0.0.1:$1$p" -H 'Content-Type: application/json' -d "$(song $n " ${p##*/}")" >/dev/null &
    done
    echo "Daft Punk – Track $n" >"$RIG/now.txt"; wait; sleep "$SONG"
  done
}
snapshot() {  # port, path, file: the status a few seconds before the end
  sleep $((DUR - 4)); curl -sf "http://127.0.0.1:$1$2" >"$3" || true
}
field() { grep -o "\"$2\":[0-9.]*" "$1" 2>/dev/null | head -1 | cut -d: -f2; }

run_mode() {  # mode [quiet]: one stream; quiet: no songs (the cost of the picture without them)
  d=""; [ -z "${2:-}" ] && { (drive $HTTP /webhook/azuracast) & d=$!; }
  (snapshot $HTTP /api/v1/status "$RIG/$1.status") & s=$!
  measure "$1${2:-}" "$BIN" run --video-mode "$1" --loop a --audio "$AUDIO" "${PROFILE[@]}" "${STATION[@]}" --preset veryfast \
    --output "rtmp://127.0.0.1:$RTMP/live/$1" --duration "$DUR" --http-port $HTTP
  [ -n "$d" ] && kill $d 2>/dev/null; wait $s $d 2>/dev/null || true
}
if [ -z "${CHANNELS_ONLY:-}" ]; then  # CHANNELS_ONLY=1: only the STREAMS-channel runs
SQ=$(run_mode splice quiet)
SP=$(run_mode splice)
EN=$(run_mode encode)
echo "Daft Punk – Track 0" >"$RIG/now.txt"
(drive 1 >/dev/null) & d=$!  # (only rewrites now.txt for ffmpeg's drawtext reload)
FF=$(measure ffmpeg ffmpeg -hide_banner -nostdin -re -stream_loop -1 -i "$RIG/loops/a.mp4" -i "$AUDIO" -i "$RIG/logo.png" \
  -filter_complex "[0:v]scale=1280:720,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:textfile=$RIG/now.txt:reload=1:fontsize=44:fontcolor=white:box=1:boxcolor=black@0.6:x=44:y=h-140[t];[t][2:v]overlay=W-w-24:24[v]" \
  -map "[v]" -map 1:a -c:v libx264 -preset veryfast -b:v 2500k -maxrate 2500k -bufsize 5000k -g 60 -bf 2 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -ar 44100 -ac 2 -t "$DUR" -f flv "rtmp://127.0.0.1:$RTMP/live/ffstation")
kill $d 2>/dev/null || true; wait $d 2>/dev/null || true
fi

# STREAMS channels in one splice process, every one with the station's picture, twice: every
# channel's song changing at the same moment (the worst case: STREAMS cards asked for at once),
# then staggered as independent stations are, one channel's song every CH_SONG/STREAMS s.
drive_staggered() {  # port, paths...: channel k's song at k * CH_SONG/STREAMS s, for DUR s
  local gap; gap=$(awk -v a="$CH_SONG" -v n="$STREAMS" 'BEGIN {printf "%.2f", a / n}')
  for n in $(seq 0 $((DUR / CH_SONG))); do
    for p in "${@:2}"; do
      curl -sf -m 2 -X POST "http://127.0.0.1:$1$p" -H 'Content-Type: application/json' -d "$(song $n " ${p##*/}")" >/dev/null &
      sleep "$gap"
    done
  done
}
run_channels() {  # name, driver: prints "cpu_s rss_kb drops shown late skipped answered"
  {
    printf '{"http_port": %d, "loop": "%s", "audio": "%s", "video_mode": "splice", "duration": %d, "streams": [\n' \
      "$HTTP" "$RIG/loops/a.mp4" "$AUDIO" "$DUR"
    for i in $(seq "$STREAMS"); do
      printf '  {"id": "ch%d", "output": "rtmp://127.0.0.1:%d/live/%s%d"}%s\n' "$i" "$RTMP" "$1" "$i" "$([ "$i" -lt "$STREAMS" ] && echo , || true)"
    done
    printf ']}\n'
  } >"$RIG/$1.json"
  local paths=() d s i f
  for i in $(seq "$STREAMS"); do paths+=("/webhook/azuracast/ch$i"); done
  # Songs only once every channel runs: a song sent while its pipeline still starts has its card
  # at the start instead, which is not what this measures.
  ( for _ in $(seq 600); do
      [ "$(curl -sf "http://127.0.0.1:$HTTP/api/v1/streams" | grep -o '"state":"running"' | wc -l)" -ge "$STREAMS" ] && break; sleep 0.1
    done
    "$2" $HTTP "${paths[@]}" ) & d=$!
  ( sleep $((DUR - 4)); for i in $(seq "$STREAMS"); do curl -sf "http://127.0.0.1:$HTTP/api/v1/streams/ch$i/status" >"$RIG/$1-ch$i.status" || true; done ) & s=$!
  local m; m=$(measure "$1" "$BIN" run --config "$RIG/$1.json" "${PROFILE[@]}" "${STATION[@]}")
  kill $d 2>/dev/null || true; wait $s $d 2>/dev/null || true
  local drops=0 late=0 skipped=0 shown=0 answered=0
  for i in $(seq "$STREAMS"); do
    f="$RIG/$1-ch$i.status"; [ -s "$f" ] || continue
    answered=$((answered + 1))
    drops=$((drops + $(field "$f" dropped_frames))); late=$((late + $(field "$f" late))); skipped=$((skipped + $(field "$f" skipped)))
    shown=$((shown + $(field "$f" shown)))
  done
  echo "$m $drops $shown $late $skipped $answered"
}
AT_ONCE=$(run_channels burst drive)
STAGGERED=$(run_channels staggered drive_staggered)

report_channels() {  # label, "cpu rss drops shown late skipped answered"
  awk -v d="$DUR" -v n="$STREAMS" -v label="$1" -v r="$2" 'BEGIN {
    split(r, v, " ")
    printf "%d splice channels in one process, %s: %.3f CPU s per output second in all (%.3f per channel), peak RSS %.1f MB;\n", n, label, v[1]/d, v[1]/d/n, v[2]/1024
    printf "  %d of %d answered: %d dropped frames, %d title cards shown, %d late, %d skipped\n", v[7], n, v[3], v[4], v[5], v[6]
  }'
}
[ -n "${CHANNELS_ONLY:-}" ] || {
read -r sq_cpu sq_rss <<<"$SQ"; read -r sp_cpu sp_rss <<<"$SP"; read -r en_cpu en_rss <<<"$EN"; read -r ff_cpu ff_rss <<<"$FF"
awk -v d="$DUR" -v song="$SONG" -v n="$STREAMS" -v cores="$(nproc)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    -v qc="$sq_cpu" -v sc="$sp_cpu" -v sr="$sp_rss" -v ec="$en_cpu" -v er="$en_rss" -v fc="$ff_cpu" -v fr="$ff_rss" \
    -v shown_sp="$(field "$RIG/splice.status" shown)" -v late_sp="$(field "$RIG/splice.status" late)" 'BEGIN {
  printf "station bench: logo + 8 s title card + cover scenes, a song every %d s, 1280x720@30 2500k + AAC, %d s, %d cores, load after: %s\n", song, d, cores, load
  printf "%-44s %12s %10s %10s\n", "", "cpu s/out s", "peak MB", "vs ffmpeg"
  printf "%-44s %12.3f %10.1f %9.2fx\n", "loopcast splice (composed ahead)", sc/d, sr/1024, sc/fc
  printf "%-44s %12.3f %10.1f %9.2fx\n", "loopcast encode (drawn per frame)", ec/d, er/1024, ec/fc
  printf "%-44s %12.3f %10.1f %10s\n", "ffmpeg CLI drawtext reload + overlay", fc/d, fr/1024, "-"
  songs = int((d - 2) / song) + 1; per_song = (sc - qc) / songs
  printf "splice: %s title cards shown, %s late; composing costs %.2f CPU s per song (%.3f CPU s/out s without songs)\n", shown_sp, late_sp, per_song, qc/d
  printf "  a station with 4-minute songs: %.3f CPU s per output second in splice mode (target <= 0.06)\n", qc/d + per_song/240
}'
}
report_channels "songs all at once" "$AT_ONCE"
report_channels "songs staggered (one channel's every $(awk -v a="$CH_SONG" -v n="$STREAMS" 'BEGIN {printf "%.1f", a / n}') s)" "$STAGGERED"
