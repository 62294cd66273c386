#!/usr/bin/env bash
# Compile-time checks with clang: builds the libraries and the binary into ./build-clang with
# -Wthread-safety (GUARDED_BY/REQUIRES in base/thread_annotations.hpp), thread-safety findings as
# errors (RapidJSON iterators trip a clang-only C++20 operator warning, silenced). Tests are not built
# here (the GCC build runs them). Usage: scripts/clang_check.sh [-jN]
set -euo pipefail
cd "$(dirname "$0")/.."
CXX_CLANG=$(command -v clang++ || command -v clang++-14 || true)
[ -n "$CXX_CLANG" ] || { echo "clang_check: clang++ not found (apt-get install clang)" >&2; exit 1; }
LAUNCHER=(); command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$CXX_CLANG" -DLOOPCAST_TESTS=OFF "${LAUNCHER[@]}" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror=thread-safety -Wno-ambiguous-reversed-operator" >/dev/null
cmake --build build-clang "${1:--j2}" --target loopcast
echo "loopcast: clang thread-safety check passed"
