#!/usr/bin/env bash
# Set the in-band ICY StreamTitle of the rig's /radio.mp3 mount, as a station's playout does at a
# song change. Usage: title.sh "Artist - Title" [ICE_PORT=18000]
set -euo pipefail
SONG=${1:?"Artist - Title"}; ICE_PORT=${2:-18000}
curl -sf -G -u admin:rigadmin "http://127.0.0.1:$ICE_PORT/admin/metadata" \
  --data-urlencode mount=/radio.mp3 --data-urlencode mode=updinfo --data-urlencode "song=$SONG" >/dev/null
echo "StreamTitle set: $SONG"
