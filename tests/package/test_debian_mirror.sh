#!/usr/bin/env bash
# scripts/debian_mirror.sh against fake apt configurations: one-line and deb822 sources, the
# environment overrides, third-party and security entries skipped, a clear failure when none fits.
set -uo pipefail
SCRIPT="$(cd "$(dirname "$0")/../.." && pwd)/scripts/debian_mirror.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
FAILS=0
unset LOOPCAST_DEBIAN_MIRROR LOOPCAST_DEBIAN_SECURITY_MIRROR

expect() {  # NAME ETC-DIR KIND WANT (WANT "FAIL": exit 1 and a message naming the variable)
  local got rc
  got=$(LOOPCAST_APT_ETC="$2" bash "$SCRIPT" "$3" 2>"$T/err"); rc=$?
  if [ "$4" = FAIL ]; then
    if [ $rc -eq 1 ] && [ -z "$got" ] && grep -q LOOPCAST_DEBIAN "$T/err"; then return; fi
  elif [ $rc -eq 0 ] && [ "$got" = "$4" ]; then return
  fi
  echo "FAIL: $1: got '$got' (exit $rc, stderr: $(cat "$T/err")), want '$4'"; FAILS=$((FAILS + 1))
}
etc() { mkdir -p "$T/$1/sources.list.d"; echo "$T/$1"; }

# One-line sources.list: comments, deb-src and [options] skipped; security separate.
E=$(etc oneline)
cat >"$E/sources.list" <<'X'
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian/ bookworm main contrib
deb http://mirror.example/debian-security bookworm-security main
X
expect "one-line archive" "$E" archive http://mirror.example/debian
expect "one-line security" "$E" security http://mirror.example/debian-security

# deb822 only, third-party sources first in apt's order (a-*.sources, a .list) and an
# Enabled: no stanza: only the Debian stanza's first URI counts.
E=$(etc deb822)
cat >"$E/sources.list.d/a-nodesource.sources" <<'X'
Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
X
echo "deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main" >"$E/sources.list.d/b-cloud.list"
cat >"$E/sources.list.d/debian.sources" <<'X'
# the station's proxy
Types: deb deb-src
URIs: http://disabled.example/debian
Suites: bookworm
Enabled: no
Components: main

Types: deb
URIs: http://proxy.local:3142/debian
 http://second.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://proxy.local:3142/debian-security
Suites: bookworm-security
Components: main
X
expect "deb822 archive" "$E" archive http://proxy.local:3142/debian
expect "deb822 security" "$E" security http://proxy.local:3142/debian-security

# sources.list comes before sources.list.d; the old "bullseye/updates" security form.
E=$(etc order)
echo "deb http://first.example/debian stable main" >"$E/sources.list"
echo "deb http://old.example/debian-security bullseye/updates main" >>"$E/sources.list"
echo "deb http://later.example/debian bookworm main" >"$E/sources.list.d/z.list"
expect "sources.list first" "$E" archive http://first.example/debian
expect "old security form" "$E" security http://old.example/debian-security

# The environment wins over the files (a trailing slash dropped).
LOOPCAST_DEBIAN_MIRROR=http://env.example/debian/ expect "env archive" "$E" archive http://env.example/debian
LOOPCAST_DEBIAN_SECURITY_MIRROR=http://env.example/sec expect "env security" "$E" security http://env.example/sec

# Nothing Debian: no sources at all, or only third-party and updates entries.
expect "empty etc" "$(etc empty)" archive FAIL
E=$(etc thirdparty)
echo "deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main" >"$E/sources.list"
echo "deb http://mirror.example/debian bookworm-updates main" >>"$E/sources.list"
expect "third-party only" "$E" archive FAIL
expect "no security" "$E" security FAIL

[ $FAILS -eq 0 ] && echo "debian_mirror.sh: all cases pass" || exit 1
