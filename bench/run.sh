#!/usr/bin/env bash
# Benchmark: loopcast against the equivalent ffmpeg CLI command, same machine, same run.
# Both stream the same 720p30 loop + the rig's Icecast MP3 to the rig's nginx-rtmp for DURATION
# seconds with the same x264/AAC settings. Prints CPU seconds per output second, peak RSS and
# their loopcast/ffmpeg ratios, start → first packet latency and switch latency.
# Usage: bench/run.sh [DURATION=60]   (needs ./build/loopcast, the rig packages and `time`)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-60}
BIN=${LOOPCAST_BIN:-./build/loopcast}
RIGSRC=${LOOPCAST_RIG_DIR:-$(pwd)/tests/rig}
RIG=$(mktemp -d /tmp/loopcast-bench.XXXXXX); chmod 755 "$RIG"  # icecast2/nginx workers run as nobody
RTMP=19450; ICE=18100; HTTP=18190
trap 'bash "$RIGSRC/down.sh" "$RIG" 2>/dev/null; [ -n "${LOOPCAST_KEEP_BENCH:-}" ] || rm -rf "$RIG"' EXIT
bash "$RIGSRC/up.sh" "$RIG" $RTMP $ICE >/dev/null  # returns once nginx and the station serve
AUDIO="http://127.0.0.1:$ICE/radio.mp3"
LOOP="$RIG/loops/a.mp4"
# The switch target is a copy of the same clip: the switch is measured, the encoding load stays
# identical to the ffmpeg run (which cannot switch at all).
cp "$LOOP" "$RIG/loops/a2.mp4"
X264=(-preset veryfast -b:v 2500k -maxrate 2500k -bufsize 5000k -g 60 -keyint_min 60 -bf 2
      -x264-params scenecut=0:nal-hrd=cbr:force-cfr=1 -pix_fmt yuv420p)

measure() {  # name, command...: prints "cpu_s rss_kb wall_s"
  local name=$1; shift
  /usr/bin/time -f "%U %S %M %e" -o "$RIG/$name.time" "$@" >"$RIG/$name.log" 2>&1 || true
  awk '{printf "%.2f %d %.2f\n", $1+$2, $3, $4}' "$RIG/$name.time"
}

# loopcast, with its HTTP API so the switch latency can be measured meanwhile.
(
  start_ns=$(date +%s%N)  # this subshell starts just before loopcast does: the figure includes start-up
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$HTTP/api/v1/status" >/dev/null && break; sleep 0.05; done
  for _ in $(seq 400); do
    f=$(curl -sf "http://127.0.0.1:$HTTP/api/v1/status" | grep -o '"video_frames":[0-9]*' | cut -d: -f2)
    [ "${f:-0}" -gt 0 ] && break; sleep 0.01
  done
  echo $(( ($(date +%s%N) - start_ns) / 1000000 )) > "$RIG/first_packet_ms"
  sleep $((DUR / 2))
  t0=$(date +%s%N)
  curl -sf -X POST "http://127.0.0.1:$HTTP/api/v1/track" -d "{\"loop\":\"a2\"}" >/dev/null
  for _ in $(seq 500); do
    curl -sf "http://127.0.0.1:$HTTP/api/v1/status" | grep -q '"switches":1' && break; sleep 0.005
  done
  echo $(( ($(date +%s%N) - t0) / 1000000 )) > "$RIG/switch_ms"
) &
probe=$!
LC=$(measure loopcast "$BIN" run --loop "$LOOP" --loops-dir "$RIG/loops" --audio "$AUDIO" \
  --output "rtmp://127.0.0.1:$RTMP/live/bench-loopcast" --duration "$DUR" --http-port $HTTP \
  --preset veryfast --vbitrate 2500k --abitrate 128k --size 1280x720 --fps 30)
wait $probe || true

FF=$(measure ffmpeg ffmpeg -hide_banner -nostdin -re -stream_loop -1 -i "$LOOP" -i "$AUDIO" \
  -map 0:v -map 1:a -c:v libx264 "${X264[@]}" -c:a aac -b:a 128k -ar 44100 -ac 2 \
  -t "$DUR" -f flv "rtmp://127.0.0.1:$RTMP/live/bench-ffmpeg")

read -r lc_cpu lc_rss lc_wall <<<"$LC"
read -r ff_cpu ff_rss ff_wall <<<"$FF"
awk -v d="$DUR" -v lc="$lc_cpu" -v lr="$lc_rss" -v lw="$lc_wall" -v fc="$ff_cpu" -v fr="$ff_rss" -v fw="$ff_wall" \
    -v fp="$(cat "$RIG/first_packet_ms" 2>/dev/null || echo n/a)" -v sw="$(cat "$RIG/switch_ms" 2>/dev/null || echo n/a)" \
    -v cores="$(nproc)" 'BEGIN {
  printf "benchmark: %d s of 1280x720@30 H.264 2500k veryfast + AAC 128k to nginx-rtmp, %d cores\n", d, cores
  printf "%-10s %14s %12s %10s\n", "", "cpu s/out s", "peak RSS MB", "wall s"
  printf "%-10s %14.3f %12.1f %10.1f\n", "loopcast", lc/d, lr/1024, lw
  printf "%-10s %14.3f %12.1f %10.1f\n", "ffmpeg", fc/d, fr/1024, fw
  printf "ratio loopcast/ffmpeg: cpu %.2f, rss %.2f\n", (lc/d)/(fc/d), lr/fr
  printf "loopcast start -> first packet: %s ms (process start to first encoded frame, via the API)\n", fp
  printf "loopcast switch latency: %s ms (POST /api/v1/track -> new loop on air)\n", sw
}'
