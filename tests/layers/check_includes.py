#!/usr/bin/env python3
"""Include arrows inside engine/ point one way: a folder never includes one above it.
Usage: check_includes.py SOURCE_DIR. Lists every include that runs back up and exits 1 if any."""
import pathlib
import re
import sys

# folder -> folders it must not include (they sit above it)
FORBIDDEN = {
    "engine/picture": ["engine/input", "engine/video", "engine/splice", "engine/output"],
    "engine/input": ["engine/video", "engine/splice", "engine/output"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    bad = []
    for folder, above in FORBIDDEN.items():
        for path in sorted((root / folder).glob("*")):
            if path.suffix not in (".hpp", ".cpp", ".h"):
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if m and any(m.group(1).startswith(a + "/") for a in above):
                    bad.append(f"{path.relative_to(root)}:{n}: includes {m.group(1)} (above {folder})")
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} include(s) run back up inside engine/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
