#!/usr/bin/env bash
# The Debian package in a clean Debian 12 root, as a station without containers would get it:
#   1. a minbase bookworm root from debootstrap (cached as a tarball: reruns skip this), with this
#      machine's own mirror (scripts/debian_mirror.sh: $LOOPCAST_DEBIAN_MIRROR or the apt sources);
#   2. `apt-get install ./loopcast_*.deb` inside it: the declared dependencies must suffice;
#   3. `loopcast version`, the `loopcast` system user and /etc/loopcast, the packaged files;
#   4. a 3 s `loopcast run` as user loopcast with the packaged default loop → an FLV;
#   5. `systemd-analyze verify loopcast@test.service` with the root's own systemd (installed after
#      the package: loopcast itself must install without systemd, e.g. in a chroot or container);
#      and, with systemd-nspawn, booted: loopcast@check started, ready, reloaded, stopped;
#   6. a reinstall works; `apt-get purge loopcast` removes the user, /etc/loopcast and the files.
# Usage (root, debootstrap; ~100 s cold, ~35 s with the cache):
#   bash scripts/package_check.sh [path/to/loopcast_VERSION_amd64.deb]
#   Without a path it builds one with scripts/package.sh. Exit 77 (ctest: skipped) without root
#   or debootstrap.
# Env: LOOPCAST_PKG_CACHE (root tarball + downloaded .debs, default /var/cache/loopcast-pkgcheck),
#      LOOPCAST_PKG_REBUILD_ROOT=1 (re-debootstrap), LOOPCAST_DEBIAN_MIRROR.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "package-check: $*"; }
fail() { say "FAIL: $*"; exit 1; }
since() { echo $(($(date +%s) - $1)); }
[ "$(id -u)" -eq 0 ] || { say "SKIP: needs root (debootstrap, chroot, mount)"; exit 77; }
command -v debootstrap >/dev/null || { say "SKIP: debootstrap not installed"; exit 77; }

T_START=$(date +%s)
CACHE=${LOOPCAST_PKG_CACHE:-/var/cache/loopcast-pkgcheck}
MIRROR=$(bash scripts/debian_mirror.sh)
# An apt proxy configured on this machine is used by debootstrap and the root's apt too.
eval "$(apt-config shell APT_PROXY Acquire::http::Proxy)"
[ -z "${APT_PROXY:-}" ] || export http_proxy=${http_proxy:-$APT_PROXY}

DEB=${1:-}
if [ -z "$DEB" ]; then
  t=$(date +%s)
  DEB=$(bash scripts/package.sh | tail -n 1) || fail "scripts/package.sh"
  say "package built in $(since "$t") s: $DEB"
fi
[ -f "$DEB" ] || fail "no package at $DEB"
VERSION=$(dpkg-deb -f "$DEB" Version)

ROOT=$(mktemp -d /tmp/pkg-check.XXXXXX)
cleanup() {
  local m t
  t=$(date +%s)
  # Deepest mounts first; then delete only what is left on the root's own file system.
  for m in $(awk -v r="$ROOT" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m" || true; done
  if awk -v r="$ROOT" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    say "mounts left under $ROOT: not deleting it"
  else
    rm -rf --one-file-system "$ROOT"
  fi
  say "cleaned up in $(since "$t") s"
}
trap cleanup EXIT
# In memory (~600 MB at most): dpkg's many small writes and the final delete cost seconds, not
# the half minute they take on a busy disk; cleanup is an unmount.
mount -t tmpfs -o size=3g,mode=755 loopcast-pkg-check "$ROOT"

# --- 1. the clean root ---
mkdir -p "$CACHE/archives"
# One check at a time per cache (the tarball and the shared .deb cache): a second one waits.
exec 9>"$CACHE/lock"
flock 9
BASE=$CACHE/bookworm-minbase.tar
t=$(date +%s)
if [ -s "$BASE" ] && [ -z "${LOOPCAST_PKG_REBUILD_ROOT:-}" ]; then
  tar -C "$ROOT" -xf "$BASE"
  say "clean root unpacked from $BASE in $(since "$t") s"
else
  debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || fail "debootstrap bookworm from $MIRROR (see $CACHE/debootstrap.log)"
  rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
  tar -C "$ROOT" -cf "$BASE.tmp" . && mv "$BASE.tmp" "$BASE"
  say "clean root from debootstrap ($MIRROR) in $(since "$t") s, cached as $BASE"
fi
chmod 755 "$ROOT"  # mktemp's 0700 (also in the tarball's "."): as `/` the service user must walk it
echo "deb $MIRROR bookworm main" >"$ROOT/etc/apt/sources.list"
# A throw-away root: dpkg need not fsync every file (that is most of an install's time).
echo force-unsafe-io >"$ROOT/etc/dpkg/dpkg.cfg.d/loopcast-check-unsafe-io"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount_api() { mount -t proc proc "$ROOT/proc" && mount --bind /dev "$ROOT/dev"; }
mount_api
# Downloaded packages are kept between runs: a rerun installs without fetching them again.
mount --bind "$CACHE/archives" "$ROOT/var/cache/apt/archives"

in_root() {  # COMMAND...: inside the root, with a clean environment
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive ${http_proxy:+http_proxy=$http_proxy} "$@"
}

# --- 2. install with apt: dependencies from the mirror ---
t=$(date +%s)
cp "$DEB" "$ROOT/tmp/"
in_root apt-get update -qq >"$ROOT/tmp/apt.log" 2>&1 || { tail -n 20 "$ROOT/tmp/apt.log"; fail "apt-get update"; }
in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$DEB")" >>"$ROOT/tmp/apt.log" 2>&1 \
  || { tail -n 30 "$ROOT/tmp/apt.log"; fail "apt-get install $(basename "$DEB")"; }
say "installed $(basename "$DEB") and $(grep -c '^Setting up' "$ROOT/tmp/apt.log" || true) packages in $(since "$t") s"

# --- 3. the binary, the user, the files ---
out=$(in_root loopcast version) || fail "loopcast version: $out"
[[ "$out" == "loopcast $VERSION "* ]] || fail "loopcast version printed: $out"
say "loopcast version: $out"
in_root id loopcast >/dev/null || fail "no user loopcast"
IFS=: read -r _ _ uid _ _ home shell < <(in_root getent passwd loopcast)
[ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] || fail "user loopcast: uid $uid, shell $shell"
etc_mode=$(in_root stat -c '%U:%G %a' /etc/loopcast)  # names from the root's own passwd
[ "$etc_mode" = "root:loopcast 750" ] || fail "/etc/loopcast is $etc_mode"
for f in /usr/bin/loopcast /lib/systemd/system/loopcast@.service /usr/share/doc/loopcast/README.md \
  /usr/share/doc/loopcast/examples/config.example.json /usr/share/doc/loopcast/examples/loopcast.env.example; do
  [ -f "$ROOT$f" ] || fail "missing $f"
done
loops=$(ls "$ROOT"/usr/share/loopcast/loops/*.mp4 | wc -l)
[ "$loops" -ge 1 ] || fail "no default loops in /usr/share/loopcast/loops"
say "user loopcast (uid $uid, $shell, home $home), /etc/loopcast root:loopcast 750, $loops default loops"

# --- 4. a short stream as the service user, from the packaged default loop ---
t=$(date +%s)
in_root timeout 120 runuser -u loopcast -- loopcast run --output /tmp/t.flv --duration 3 --http-port 0 \
  --size 640x360 >"$ROOT/tmp/run.log" 2>&1 || { tail -n 20 "$ROOT/tmp/run.log"; fail "loopcast run as loopcast"; }
FLV=$ROOT/tmp/t.flv
[ "$(head -c 3 "$FLV" 2>/dev/null)" = FLV ] && [ "$(stat -c %s "$FLV")" -gt 10000 ] || fail "no FLV written"
owner=$(in_root stat -c %U /tmp/t.flv); [ "$owner" = loopcast ] || fail "the FLV is owned by $owner"
if command -v ffprobe >/dev/null; then  # the host's ffprobe, when there is one
  probe=$(ffprobe -v error -show_entries stream=codec_name:format=duration -of csv=p=0 "$FLV" | sort | tr '\n' ' ')
  [[ "$probe" == 3.* ]] || [[ "$probe" == 2.9* ]] || fail "FLV: $probe"
  [[ "$probe" == *aac*h264* ]] || fail "FLV streams: $probe"
fi
say "loopcast run as loopcast: $(stat -c %s "$FLV") byte FLV ${probe:+(${probe% }) }in $(since "$t") s"

# --- 5. the unit, checked by the root's own systemd (installed now, after loopcast) ---
t=$(date +%s)
in_root apt-get install -y -qq --no-install-recommends systemd >>"$ROOT/tmp/apt.log" 2>&1 \
  || { tail -n 20 "$ROOT/tmp/apt.log"; fail "apt-get install systemd"; }
# A template cannot be verified itself: an instance of it can.
verify=$(in_root systemd-analyze verify loopcast@test.service 2>&1) \
  || { echo "$verify"; fail "systemd-analyze verify loopcast@test.service"; }
[ -z "$verify" ] || { echo "$verify"; fail "systemd-analyze verify has complaints"; }
say "systemd-analyze verify loopcast@test.service: clean ($(in_root systemctl --version | head -n 1)), $(since "$t") s"

# --- 5b. the unit under systemd itself (booted with systemd-nspawn, when installed) ---
if command -v systemd-nspawn >/dev/null; then
  umount "$ROOT/proc" "$ROOT/dev"  # nspawn brings its own
  bash tests/package/unit_boot_check.sh "$ROOT"
  mount_api
else
  say "systemd-nspawn not installed (systemd-container): unit not booted under systemd"
fi

# --- 6. a reinstall (postinst again, the user already there) works; purge takes everything back ---
in_root dpkg -i "/tmp/$(basename "$DEB")" >>"$ROOT/tmp/apt.log" 2>&1 || { tail -n 20 "$ROOT/tmp/apt.log"; fail "reinstall"; }
in_root apt-get purge -y -qq loopcast >>"$ROOT/tmp/apt.log" 2>&1 || fail "apt-get purge loopcast"
! in_root getent passwd loopcast >/dev/null || fail "purge left the user loopcast"
! in_root getent group loopcast >/dev/null || fail "purge left the group loopcast"
[ ! -e "$ROOT/etc/loopcast" ] && [ ! -e "$ROOT/usr/bin/loopcast" ] || fail "purge left files"
say "purge: user, group, /etc/loopcast and files removed"

say "PASS in $(since "$T_START") s ($(basename "$DEB"), $(( $(stat -c %s "$DEB") / 1000 )) kB)"
