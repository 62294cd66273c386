#!/usr/bin/env bash
# Soak with faults on the loopback rig (nginx-rtmp ingest + icecast2 station), faster than real
# time: a loop switch every SWITCH_EVERY media seconds, the station dropped for STATION_DOWN wall
# seconds every STATION_EVERY media seconds, the ingest dropped for INGEST_DOWN wall seconds every
# INGEST_EVERY media seconds. Reports RSS, open fds and threads at start and end, reconnects, DTS
# violations in every recorded session and the A/V end offset. Not part of CI.
# Usage: bench/soak_faults.sh [MEDIA_SECONDS=21600] (or bench/soak.sh with SOAK_FAULTS=1)
# Env: SWITCH_EVERY=30 STATION_EVERY=600 INGEST_EVERY=1800 STATION_DOWN=5 INGEST_DOWN=5 SIZE=1280x720
#      VIDEO_MODE=encode|splice (splice: the loops are prepared into a fresh cache first)
#      SPEED=0 (as fast as it goes) or N: paced at N media seconds per wall second, so that a
#      switch every 30 s of media stays within the engine's one-switch-a-second limit and a 5 s
#      outage is 5*N s of media (splice mode runs ~200x unpaced: faults would barely land)
set -euo pipefail
cd "$(dirname "$0")/.."
MEDIA=${1:-21600}
SWITCH_EVERY=${SWITCH_EVERY:-30}; STATION_EVERY=${STATION_EVERY:-600}; INGEST_EVERY=${INGEST_EVERY:-1800}
STATION_DOWN=${STATION_DOWN:-5}; INGEST_DOWN=${INGEST_DOWN:-5}; SIZE=${SIZE:-1280x720}; VIDEO_MODE=${VIDEO_MODE:-encode}; SPEED=${SPEED:-0}
BIN=${LOOPCAST_BIN:-./build/loopcast}
RIG_SRC=${LOOPCAST_RIG_DIR:-$(pwd)/tests/rig}
RIG=$(mktemp -d /tmp/loopcast-soakrig.XXXXXX); chmod 755 "$RIG"  # nginx and icecast workers run as other users
# Three free ports P, P+1 (nginx: RTMP and stats), P+2 (icecast), and P+3 for the API.
RTMP=$(python3 -c '
import random, socket
while True:
    p = random.randint(20000, 60000); ok = True
    for q in range(p, p + 4):
        s = socket.socket()
        try: s.bind(("127.0.0.1", q))
        except OSError: ok = False
        s.close()
    if ok: print(p); break')
ICE=$((RTMP + 2)); PORT=$((RTMP + 3))
bash "$RIG_SRC/up.sh" "$RIG" $RTMP $ICE >/dev/null  # returns once nginx and the station serve
# (pkill: the nginx/icecast/source the fault loop restarted are not in down.sh's pid files)
pid=; trap 'kill ${pid:-0} 2>/dev/null || true; pkill -f "$RIG/" 2>/dev/null || true; bash "$RIG_SRC/down.sh" "$RIG" || true; [ -n "${KEEP:-}" ] || rm -rf "$RIG"' EXIT
PROFILE=(--loops-dir "$RIG/loops" --loop a.mp4 --size "$SIZE" --preset ultrafast)
MODE=(--video-mode "$VIDEO_MODE")
if [ "$VIDEO_MODE" = splice ]; then  # encode each loop once, before the clock starts
  MODE+=(--cache-dir "$RIG/cache"); "$BIN" prepare "${PROFILE[@]}" "${MODE[@]}" 2>"$RIG/prepare.log"
fi
PACE=(--no-realtime); [ "$SPEED" = 0 ] || PACE=(--speed "$SPEED")
"$BIN" run "${PACE[@]}" --duration "$MEDIA" --audio "http://127.0.0.1:$ICE/radio.mp3" --output "rtmp://127.0.0.1:$RTMP/live/soak" \
  "${PROFILE[@]}" "${MODE[@]}" --http-port $PORT --io-timeout 3 --watchdog 0 2>"$RIG/log" &
pid=$!
api() { curl -sf -m 3 "http://127.0.0.1:$PORT$1"; }
num() { api /api/v1/status | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null || echo 0; }
metric() { api /metrics | awk -v m="$1" '$1 == m {print $2}'; }
until api /api/v1/status >/dev/null; do sleep 0.2; done
sleep 3
rss0=$(awk '/VmRSS/ {print $2}' /proc/$pid/status); fds0=$(metric loopcast_open_fds); thr0=$(metric loopcast_threads); vmode=$(num 'd["video_mode"]')
t0=$(date +%s); next_switch=$SWITCH_EVERY; next_station=$STATION_EVERY; next_ingest=$INGEST_EVERY; n=0; drops_s=0; drops_i=0
while kill -0 $pid 2>/dev/null; do
  media=$(num 'int(d["output_seconds"])')
  if [ "$media" -ge "$next_switch" ]; then
    api /api/v1/track -X POST -d "{\"loop\":\"$([ $((n % 2)) = 0 ] && echo b || echo a)\"}" >/dev/null || true
    n=$((n + 1)); next_switch=$((next_switch + SWITCH_EVERY))
  fi
  if [ "$media" -ge "$next_station" ]; then  # the station goes away and comes back (as Rig::stop/start_icecast)
    kill $(cat "$RIG/source.pid" "$RIG/icecast.pid") 2>/dev/null || true; sleep "$STATION_DOWN"
    icecast2 -c "$RIG/icecast.xml" >"$RIG/icecast.out" 2>&1 & echo $! >"$RIG/icecast.pid"; sleep 1
    ffmpeg -v error -re -stream_loop -1 -i "$RIG/music.mp3" -c:a copy -content_type audio/mpeg -f mp3 \
      "icecast://source:rigsource@127.0.0.1:$ICE/radio.mp3" >"$RIG/source.out" 2>&1 & echo $! >"$RIG/source.pid"
    drops_s=$((drops_s + 1)); next_station=$((next_station + STATION_EVERY))
  fi
  if [ "$media" -ge "$next_ingest" ]; then  # the ingest goes away and comes back
    kill $(cat "$RIG/nginx.pid" "$RIG/nginx.launch.pid" 2>/dev/null | sort -u) 2>/dev/null || true; sleep "$INGEST_DOWN"
    nginx -c "$RIG/nginx.conf" -p "$RIG" >"$RIG/nginx.out" 2>&1 & echo $! >"$RIG/nginx.launch.pid"
    drops_i=$((drops_i + 1)); next_ingest=$((next_ingest + INGEST_EVERY))
  fi
  if kill -0 $pid 2>/dev/null && [ "$media" -lt $((MEDIA - 2)) ]; then  # the latest figures before it winds down: the end of the run
    r=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || true); [ -n "$r" ] && rss1=$r
    f=$(metric loopcast_open_fds || true); [ -n "$f" ] && fds1=$f
    t=$(metric loopcast_threads || true); [ -n "$t" ] && thr1=$t
    a=$(num 'd["audio"]["reconnects"]'); [ "$a" != 0 ] && areco=$a
    o=$(num 'd["outputs"][0]["reconnects"]'); [ "$o" != 0 ] && oreco=$o
    dropped=$(num 'd["dropped_frames"]')
  fi
  sleep 0.1  # faster than real time: poll often so faults land near their media time
done
wait $pid || true
wall=$(( $(date +%s) - t0 + 3 ))
echo "soak (faults): $MEDIA s of media in $wall s wall ($(python3 -c "print(round($MEDIA/$wall,1))")x), $SIZE, video mode $VIDEO_MODE (status: $vmode), speed ${SPEED/#0/unpaced}"
echo "faults: $n switch requests, station dropped $drops_s x, ingest dropped $drops_i x; reconnects: audio ${areco:-?}, output ${oreco:-?}"
echo "RSS: $((rss0 / 1024)) MB at start, $((${rss1:-0} / 1024)) MB at the end; open fds ${fds0} → ${fds1:-?}; threads ${thr0} → ${thr1:-?}"
bad=0; sessions=0
for f in "$RIG"/rec/*.flv; do
  sessions=$((sessions + 1))
  v=$(ffprobe -v error -show_entries packet=stream_index,dts_time,duration_time -of csv=p=0 "$f" | awk -F, '
    { s=$1; d=$2+0; if (s in last && d <= last[s]) bad++; last[s]=d; e=$2+$3; if (e>end[s]) end[s]=e }
    END { printf "%d %.3f", bad+0, end[0]-end[1] }')
  bad=$((bad + ${v%% *})); last_offset=${v##* }
done
echo "sessions recorded: $sessions; DTS violations: $bad; A/V end offset of the last session: ${last_offset:-?} s; dropped frames: ${dropped:-?}"
