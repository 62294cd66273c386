#!/usr/bin/env bash
# Build the Debian package: the binary (scripts/build.sh), then CPack's DEB generator with the
# install rules and settings of CMakeLists.txt's packaging block. Needs dpkg-dev (dpkg-shlibdeps,
# part of build-essential). Prints the path: dist/loopcast_VERSION_amd64.deb.
# Usage: scripts/package.sh [cmake args for scripts/build.sh]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh "$@" >&2
rm -rf build/_cpack
(cd build && cpack -G DEB -B "$PWD/_cpack" >&2)
mkdir -p dist
shopt -s nullglob
debs=(build/_cpack/loopcast_*.deb)
[ ${#debs[@]} -eq 1 ] || { echo "package.sh: expected one .deb in build/_cpack, found ${#debs[@]}" >&2; exit 1; }
mv -f "${debs[0]}" dist/
echo "dist/$(basename "${debs[0]}")"
