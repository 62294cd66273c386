# Sourced by the benches: bring the loopback rig up in a fresh temp dir and wait for its station.
# In: RTMP ICE (ports), NAME (temp dir tag). Out: RIGSRC RIG AUDIO; the rig goes down on exit
# (LOOPCAST_KEEP_BENCH=1 keeps the dir).
RIGSRC=${LOOPCAST_RIG_DIR:-$(pwd)/tests/rig}
RIG=$(mktemp -d "/tmp/loopcast-$NAME-bench.XXXXXX"); chmod 755 "$RIG"  # icecast2/nginx run as nobody
trap 'bash "$RIGSRC/down.sh" "$RIG" 2>/dev/null || true; [ -n "${LOOPCAST_KEEP_BENCH:-}" ] || rm -rf "$RIG"' EXIT
bash "$RIGSRC/up.sh" "$RIG" "$RTMP" "$ICE" >/dev/null  # returns once nginx and the station serve
AUDIO="http://127.0.0.1:$ICE/radio.mp3"
