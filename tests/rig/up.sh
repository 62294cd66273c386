#!/usr/bin/env bash
# Bring up loopcast's loopback test rig in RIGDIR: nginx with the RTMP module (records every
# publish into RIGDIR/rec), icecast2 with a real-time MP3 source on /radio.mp3, and two visually
# distinct 720p30 H.264 loops (2 s GOP). Everything binds 127.0.0.1; the caller picks free ports.
# Usage: up.sh RIGDIR [RTMP_PORT=19350] [ICE_PORT=18000]   (nginx also takes RTMP_PORT+1 for /stat)
# Exit 0 once nginx listens and the mount serves audio; 1 with the logs' tail otherwise.
set -euo pipefail
RIG=${1:?rig dir}; RTMP_PORT=${2:-19350}; ICE_PORT=${3:-18000}; HTTP_PORT=$((RTMP_PORT+1))
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$RIG"/{rec,tmp,loops,icelog}
# icecast2 and nginx's worker drop to nobody: they write logs and recordings here.
chmod 777 "$RIG/icelog" "$RIG/rec" "$RIG/tmp"
sed -e "s#RIG#$RIG#g" -e "s#RTMP_PORT#$RTMP_PORT#" -e "s#HTTP_PORT#$HTTP_PORT#" "$HERE/nginx-rtmp.conf" > "$RIG/nginx.conf"
sed -e "s#RIG#$RIG#g" -e "s#ICE_PORT#$ICE_PORT#" "$HERE/icecast.xml" > "$RIG/icecast.xml"
bash "$HERE/media.sh" "$RIG"
nginx -c "$RIG/nginx.conf" -p "$RIG" > "$RIG/nginx.out" 2>&1 & echo $! > "$RIG/nginx.launch.pid"
icecast2 -c "$RIG/icecast.xml" > "$RIG/icecast.out" 2>&1 & echo $! > "$RIG/icecast.pid"
bash "$HERE/source.sh" "$RIG" "$ICE_PORT"
# Ready when nginx accepts and the mount serves more than a connect burst's header.
for _ in $(seq 50); do
  bytes=$(curl -s -m 1 -o /dev/null -w '%{size_download}' "http://127.0.0.1:$ICE_PORT/radio.mp3" || true)
  if [ "${bytes:-0}" -gt 1000 ] 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$RTMP_PORT") 2>/dev/null; then
    echo "rtmp://127.0.0.1:$RTMP_PORT/live/stream  http://127.0.0.1:$ICE_PORT/radio.mp3"
    exit 0
  fi
  sleep 0.3
done
echo "rig not up; logs:" >&2
tail -n 5 "$RIG"/nginx.out "$RIG"/nginx-error.log "$RIG"/icecast.out "$RIG"/source.out 2>/dev/null >&2 || true
exit 1
