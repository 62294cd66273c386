#!/usr/bin/env bash
# The rig's media, made once per user and copied per rig (about 15 s of encoding on 2 cores):
# loops/a.mp4 (testsrc2) and loops/b.mp4 (mandelbrot), 10 s 720p30 H.264 with a 2 s GOP, and
# music.mp3, 3 minutes of a two-tone signal (440 + 660 Hz), MP3 128k 44.1 kHz stereo.
# Usage: media.sh RIGDIR   (cache: $LOOPCAST_RIG_CACHE, default /tmp/loopcast-rig-cache-UID)
set -euo pipefail
RIG=${1:?rig dir}
CACHE=${LOOPCAST_RIG_CACHE:-/tmp/loopcast-rig-cache-$(id -u)}
mkdir -p "$CACHE/loops" "$RIG/loops"
make_once() {  # FILE, ffmpeg args...: encode into the cache (atomically: rigs may start at once)
  local f=$1; shift
  if [ ! -s "$CACHE/$f" ]; then
    local tmp="$CACHE/$f.tmp$$.${f##*.}"
    ffmpeg -nostdin -v error -y "$@" "$tmp" && mv -f "$tmp" "$CACHE/$f"
  fi
  [ -s "$RIG/$f" ] || cp "$CACHE/$f" "$RIG/$f"
}
make_once loops/a.mp4 -f lavfi -i testsrc2=s=1280x720:r=30:d=10 -c:v libx264 -preset veryfast -g 60 -pix_fmt yuv420p
make_once loops/b.mp4 -f lavfi -i "mandelbrot=s=1280x720:r=30" -t 10 -c:v libx264 -preset veryfast -g 60 -pix_fmt yuv420p
make_once music.mp3 -f lavfi -i "sine=f=440:d=180,aformat=channel_layouts=stereo" -f lavfi -i "sine=f=660:d=180" \
  -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=stereo" -ar 44100 -c:a libmp3lame -b:a 128k
