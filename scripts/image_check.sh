#!/usr/bin/env bash
# Build the Dockerfile with real OCI tools and run the image, where no image registry is reachable.
#   1. base images debian:12 / debian:12-slim from debootstrap + `podman import` (cached);
#   2. `podman build --isolation=chroot --format docker -t loopcast:check .` (the Dockerfile as it
#      stands; docker format: the OCI format drops HEALTHCHECK);
#   3. `podman run` of the image's ENTRYPOINT + CMD as its USER (10001): a 10 s stream to an FLV
#      (embedded default loop + generated tone) checked with ffprobe (h264 + aac, duration), the
#      HEALTHCHECK command against the running API, SIGTERM (podman stop) → exit 0;
#   4. compose.yaml's demo services via podman-compose: the recording at the demo ingest is checked.
# Usage (root, Debian 12 host with podman, runc, debootstrap, ffmpeg; podman-compose optional): bash scripts/image_check.sh
#   --build-only: steps 1 and 2 only, leaving the image loopcast:check (tests/k8s/kube_play.sh).
# Env: LOOPCAST_IMAGE_CACHE (base rootfs tarballs, default /var/cache/loopcast-image),
#      LOOPCAST_IMAGE_REBUILD_BASE=1 (re-debootstrap), LOOPCAST_DEBIAN_MIRROR and
#      LOOPCAST_DEBIAN_SECURITY_MIRROR (default: this machine's apt sources, scripts/debian_mirror.sh).
# Takes minutes; not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${LOOPCAST_IMAGE_CACHE:-/var/cache/loopcast-image}
# The machine's own mirror (a station's proxy or local mirror), never a hard-coded host.
MIRROR=$(bash scripts/debian_mirror.sh)
SECURITY_MIRROR=$(bash scripts/debian_mirror.sh security 2>/dev/null || true)
IMAGE=loopcast:check
SECONDS_STREAMED=10
T_START=$(date +%s)
WORK=$(mktemp -d /tmp/image-check.XXXXXX)
NAME=loopcast-check-$$
DEMO=loopcast-check-demo
cleanup() {
  podman rm -f "$NAME" >/dev/null 2>&1 || true
  if [ -n "${DEMO_UP:-}" ]; then
    podman-compose -p "$DEMO" down >/dev/null 2>&1 || true
    podman volume rm "${DEMO}_stream-control" >/dev/null 2>&1 || true
    podman network rm "${DEMO}_default" >/dev/null 2>&1 || true
    podman rmi "${DEMO}_loopcast-demo" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { echo "image-check: $*"; }
fail() { say "FAIL: $*"; exit 1; }
since() { echo $(($(date +%s) - $1)); }

# A Debian 12 root like the official image: updates + security sources, no apt caches.
make_rootfs() {  # NAME VARIANT-ARGS...
  local name=$1; shift
  local root="$CACHE/$name.root"
  rm -rf "$root"
  debootstrap "$@" bookworm "$root" "$MIRROR" >"$CACHE/$name.debootstrap.log" 2>&1 \
    || fail "debootstrap $name (see $CACHE/$name.debootstrap.log)"
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # Security updates as in the official image, when this machine knows a security mirror.
  [ -z "$SECURITY_MIRROR" ] || cat >>"$root/etc/apt/sources.list.d/debian.sources" <<EOF

Types: deb
URIs: $SECURITY_MIRROR
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . >"$CACHE/$name.tar"
  rm -rf "$root"
}

base_image() {  # TAG NAME VARIANT-ARGS...
  local tag=$1 name=$2; shift 2
  if [ -z "${LOOPCAST_IMAGE_REBUILD_BASE:-}" ] && podman image exists "$tag"; then return; fi
  local t=$(date +%s)
  [ -z "${LOOPCAST_IMAGE_REBUILD_BASE:-}" ] && [ -s "$CACHE/$name.tar" ] || make_rootfs "$name" "$@"
  podman import -q "$CACHE/$name.tar" "$tag" >/dev/null || fail "podman import $tag"
  say "base image $tag made in $(since "$t") s"
}

mkdir -p "$CACHE"
base_image debian:12 debian12
base_image debian:12-slim debian12-slim --variant=minbase

# --- build: the Dockerfile as it stands ---
t=$(date +%s)
podman build --isolation=chroot --format docker -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log"; fail "podman build"; }
T_BUILD=$(since "$t")
SIZE_MB=$(( $(podman image inspect --format '{{.Size}}' "$IMAGE") / 1000000 ))
say "podman build: $T_BUILD s, image $IMAGE $SIZE_MB MB"
[ "${1:-}" != --build-only ] || exit 0

# --- run: `podman run` with runc and ulimits at or below the host's hard limits (the sandbox
# refuses to raise RLIMIT_NOFILE/RLIMIT_NPROC, and crun refuses its hybrid cgroup v1/v2 mounts).
# Without systemd podman logs that it cannot schedule the periodic healthcheck (podman.log);
# `podman healthcheck run` runs the image's HEALTHCHECK command on demand. ---
cat >"$WORK/containers.conf" <<EOF2
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
runtime = "runc"
EOF2
export CONTAINERS_CONF="$WORK/containers.conf"
mkdir -m 777 "$WORK/out"
readarray -t CMD < <(podman image inspect --format '{{range .Config.Cmd}}{{println .}}{{end}}' "$IMAGE" | sed '/^$/d')
HEALTH=$(podman image inspect --format '{{join .HealthCheck.Test " "}}' "$IMAGE" | sed 's/^CMD-SHELL //')

start() {  # FLV-NAME EXTRA-ARGS... (ENTRYPOINT + the image's CMD + extra args, as the image's USER)
  local flv=$1; shift
  podman rm -f "$NAME" >/dev/null 2>&1 || true
  podman run -d --name "$NAME" -v "$WORK/out:/out" "$IMAGE" "${CMD[@]}" --output "/out/$flv" "$@" \
    >/dev/null 2>>"$WORK/podman.log" || { cat "$WORK/podman.log"; fail "podman run"; }
}
wait_healthy() {  # the image's HEALTHCHECK command, polled until it passes (30 s deadline)
  local t=$(date +%s%N)
  for _ in $(seq 60); do
    if podman healthcheck run "$NAME" >/dev/null 2>&1; then
      say "healthy after $(( ($(date +%s%N) - t) / 1000000 )) ms ($HEALTH)"; return; fi
    sleep 0.5
  done
  podman logs "$NAME" | tail -n 20; fail "HEALTHCHECK never passed: $HEALTH"
}
codecs_of() { ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$1" | sort | tr '\n' ' '; }
duration_of() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
check_flv() {  # FILE MIN-SECONDS MAX-SECONDS: h264 + aac, written by uid 10001, duration in range
  local f="$WORK/out/$1"
  [ -s "$f" ] || fail "$1 missing"
  [ "$(stat -c %u "$f")" = 10001 ] || fail "$1 written by uid $(stat -c %u "$f"), not 10001"
  local codecs dur
  codecs=$(codecs_of "$f")
  dur=$(duration_of "$f")
  [ "$codecs" = "aac h264 " ] || fail "$1 streams: $codecs"
  awk -v d="$dur" -v lo="$2" -v hi="$3" 'BEGIN { exit !(d >= lo && d <= hi) }' || fail "$1 lasts $dur s"
  say "$1: h264 + aac, $dur s, owner uid 10001"
}
exit_code() { podman inspect --format '{{.State.ExitCode}}' "$NAME"; }

# Run 1: a 10 s stream that ends by itself.
t=$(date +%s)
start timed.flv --duration "$SECONDS_STREAMED"
wait_healthy
timeout 60 podman wait "$NAME" >/dev/null || fail "--duration run still running after 60 s"
[ "$(exit_code)" = 0 ] || { podman logs "$NAME" | tail -n 20; fail "--duration run exited $(exit_code)"; }
say "--duration $SECONDS_STREAMED run: exit 0 after $(since "$t") s"
check_flv timed.flv $((SECONDS_STREAMED - 1)) $((SECONDS_STREAMED + 1))

# Run 2: SIGTERM (podman stop) must end the stream cleanly with exit 0 well within the grace time.
start stopped.flv
wait_healthy
for _ in $(seq 60); do  # a few seconds of stream in the file (30 s deadline)
  [ "$(stat -c %s "$WORK/out/stopped.flv" 2>/dev/null || echo 0)" -gt 1000000 ] && break; sleep 0.5
done
t=$(date +%s%N)
podman stop -t 10 "$NAME" >/dev/null 2>>"$WORK/podman.log"
[ "$(exit_code)" = 0 ] || { podman logs "$NAME" | tail -n 20; fail "SIGTERM: exit $(exit_code)"; }
say "SIGTERM: exit 0 after $(( ($(date +%s%N) - t) / 1000000 )) ms"
check_flv stopped.flv 1 60
podman rm -f "$NAME" >/dev/null 2>>"$WORK/podman.log"

# --- compose.yaml's demo profile. Debian's podman-compose 1.0.3 has no --profile (and ignores
# profiles): the demo services are named instead. The image is tagged with the name podman-compose
# gives a `build:` service (PROJECT_SERVICE), so it is not built again. Host port 8080 must be free.
newest_rec() { ls -t demo-rec/*.flv 2>/dev/null | head -n 1 || true; }
if command -v podman-compose >/dev/null; then
  t=$(date +%s)
  podman tag "$IMAGE" "${DEMO}_loopcast-demo"
  DEMO_UP=1
  mkdir -p demo-rec && touch "$WORK/demo-start"
  podman-compose -p "$DEMO" up -d demo-rtmp demo-icecast loopcast-demo >"$WORK/compose.log" 2>&1 \
    || { tail -n 20 "$WORK/compose.log"; fail "podman-compose up"; }
  NAME=${DEMO}_loopcast-demo_1
  # The demo services apt-get their packages first: wait (300 s deadline) until loopcast hears the
  # station, then until the ingest has recorded ~6 s more (2 MB at 2.6 Mb/s) to check the tone.
  for _ in $(seq 300); do
    podman exec "$NAME" curl -fsS http://127.0.0.1:8080/api/v1/status 2>/dev/null \
      | grep -q '"audio":{"state":"connected"' && break
    sleep 1
  done
  rec=$(newest_rec)
  target=$(( $(stat -c %s "${rec:-/dev/null}") + 2000000 ))
  for _ in $(seq 60); do
    [ -n "$rec" ] && [ "$(stat -c %s "$rec")" -gt "$target" ] && break
    sleep 0.5; rec=$(newest_rec)
  done
  podman stop -t 10 "$NAME" >/dev/null 2>>"$WORK/podman.log"
  [ "$(exit_code)" = 0 ] || { podman logs "$NAME" | tail -n 20; fail "demo loopcast: exit $(exit_code)"; }
  rec=$(newest_rec)
  [ -n "$rec" ] && [ "$rec" -nt "$WORK/demo-start" ] || { podman logs "$NAME" | tail -n 20; fail "no demo recording"; }
  codecs=$(codecs_of "$rec")
  [ "$codecs" = "aac h264 " ] || fail "demo recording streams: $codecs"
  mean=$(ffmpeg -nostats -sseof -5 -i "$rec" -vn -af volumedetect -f null - 2>&1 | sed -n 's/.*mean_volume: \(.*\) dB/\1/p')
  awk -v m="$mean" 'BEGIN { exit !(m > -40) }' || fail "demo recording: no station tone (mean $mean dB)"
  say "compose demo: $(duration_of "$rec") s of h264 + aac at the demo ingest, station tone at $mean dB, $(since "$t") s"
  NAME=loopcast-check-$$
else
  say "podman-compose not installed: compose demo skipped"
fi
say "PASS in $(since "$T_START") s (build $T_BUILD s, image $SIZE_MB MB)"
