#!/usr/bin/env bash
# The station's playout: loop RIGDIR/music.mp3 into icecast's /radio.mp3 mount in real time
# (ffmpeg -re, stream copy), its pid in RIGDIR/source.pid. Usage: source.sh RIGDIR ICE_PORT
set -euo pipefail
RIG=${1:?rig dir}; ICE_PORT=${2:?icecast port}
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$ICE_PORT") 2>/dev/null && break; sleep 0.1; done
ffmpeg -nostdin -v error -re -stream_loop -1 -i "$RIG/music.mp3" -c:a copy -content_type audio/mpeg -f mp3 \
  "icecast://source:rigsource@127.0.0.1:$ICE_PORT/radio.mp3" > "$RIG/source.out" 2>&1 &
echo $! > "$RIG/source.pid"
