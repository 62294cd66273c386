#!/usr/bin/env bash
# Print the Debian mirror this machine uses, so scripts that fetch Debian packages (debootstrap
# in image_check.sh and package_check.sh) follow a station's proxy or local mirror instead of a
# hard-coded host.
# Usage: debian_mirror.sh [archive|security]
#   archive (default): $LOOPCAST_DEBIAN_MIRROR, else the first `deb` URI in the apt sources whose
#            suite is a plain Debian release (bookworm, stable, …: not -security/-updates/-backports);
#   security: $LOOPCAST_DEBIAN_SECURITY_MIRROR, else the first `deb` URI with a *-security suite.
# Sources read in apt's order: sources.list, then sources.list.d/*.list and deb822 *.sources.
# LOOPCAST_APT_ETC (default /etc/apt) is for tests. Exit 1 with a message when nothing fits.
set -euo pipefail
KIND=${1:-archive}
ETC=${LOOPCAST_APT_ETC:-/etc/apt}
case "$KIND" in
  archive) ENV_NAME=LOOPCAST_DEBIAN_MIRROR ;;
  security) ENV_NAME=LOOPCAST_DEBIAN_SECURITY_MIRROR ;;
  *) echo "usage: debian_mirror.sh [archive|security]" >&2; exit 2 ;;
esac
if [ -n "${!ENV_NAME:-}" ]; then echo "${!ENV_NAME%/}"; exit 0; fi

# Every enabled `deb` source as "URI SUITE" lines, one per suite, in apt's order.
entries() {
  local f
  for f in "$ETC/sources.list" "$ETC"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # One-line format: deb [options] URI SUITE COMPONENT...; options may hold spaces inside [ ].
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
  done
  for f in "$ETC"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822: blank-line separated stanzas; Types/URIs/Suites may list several values.
    awk '
      function flush(  i, j, nu, ns, u, s) {
        if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no") {
          nu = split(uris, u, " "); ns = split(suites, s, " ")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
        }
        types = uris = suites = ""; enabled = "yes"; field = ""
      }
      BEGIN { enabled = "yes" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { if (field == "uris") uris = uris " " $0; else if (field == "suites") suites = suites " " $0; next }
      {
        name = tolower($0); sub(/:.*/, "", name); value = $0; sub(/^[^:]*:[ \t]*/, "", value)
        field = name
        if (name == "types") types = value
        else if (name == "uris") uris = value
        else if (name == "suites") suites = value
        else if (name == "enabled") enabled = value
      }
      END { flush() }' "$f"
  done
}

# Debian's release names and aliases: a third-party repository (suite nodistro, cloud-sdk-bookworm…)
# is never taken for the archive.
RELEASES="buster bullseye bookworm trixie forky duke sid oldoldstable oldstable stable testing unstable"
pick() {
  local uri suite base
  while read -r uri suite; do
    case "$uri" in http://*|https://*|ftp://*|file:/*) ;; *) continue ;; esac
    base=${suite%/updates}; base=${base%-security}
    if [ "$KIND" = security ]; then
      [ "$base" != "$suite" ] || continue
    elif [ "$base" != "$suite" ]; then continue
    fi
    case " $RELEASES " in *" $base "*) echo "${uri%/}"; return 0 ;; esac
  done
  return 1
}

SOURCES=$(entries)  # read whole first: pick stops early, which must not SIGPIPE the reader
if ! pick <<<"$SOURCES"; then
  echo "debian_mirror.sh: no Debian $KIND mirror in $ETC/sources.list{,.d/*.list,.d/*.sources}; set $ENV_NAME (e.g. to your local mirror's URL)" >&2
  exit 1
fi
