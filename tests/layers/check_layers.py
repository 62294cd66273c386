#!/usr/bin/env python3
"""Fails (exit 1, listing each offending line) when an #include runs back up a layer.

The layers are CMake libraries, each using only those before it: base, engine, control, api, app.
Inside engine/, picture/ sits below input/, and both below video/, splice/ and output/ (ENGINE_BELOW).
Inside control/, the domain folders are ordered the same way, so that the control floor cannot
regrow into one tangle: a folder includes only itself and the folders before it in CONTROL_ORDER.
A file directly in control/ (none today) or a folder missing from the order is an error too, so a
new folder has to take a place in the order when it is created.

Usage: check_layers.py SOURCE_DIR | --self-test
"""
import pathlib
import re
import sys

LAYERS = ["base", "engine", "control", "api", "app"]
CONTROL_ORDER = ["time", "mapping", "status", "config", "cluster", "stream", "files", "channels"]
# Inside engine/, the folders below the others: folder -> the folders it must not include.
ENGINE_BELOW = {
    "engine/picture": ["engine/input", "engine/video", "engine/splice", "engine/output"],
    "engine/input": ["engine/video", "engine/splice", "engine/output"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def rank(path_parts):
    """(layer rank, control-folder rank) of a repository path given as parts, or None if not ours."""
    if not path_parts or path_parts[0] not in LAYERS:
        return None
    layer = LAYERS.index(path_parts[0])
    sub = 0
    if path_parts[0] == "control":
        if len(path_parts) < 3 or path_parts[1] not in CONTROL_ORDER:
            return (layer, None)
        sub = CONTROL_ORDER.index(path_parts[1])
    return (layer, sub)


def check(root):
    problems = []
    for layer in LAYERS:
        for f in sorted((root / layer).rglob("*")):
            if f.suffix not in (".hpp", ".cpp", ".h"):
                continue
            rel = f.relative_to(root)
            own = rank(rel.parts)
            if own[1] is None:
                problems.append(f"{rel}: control/ files live in one of the folders {CONTROL_ORDER}")
                continue
            for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = rank(pathlib.PurePosixPath(m.group(1)).parts)
                if target is None:
                    continue  # a generated or third-party header
                if target[1] is None:
                    problems.append(f"{rel}:{n}: includes {m.group(1)}, which is in no control/ folder")
                elif target[0] > own[0] or (target[0] == own[0] and target[1] > own[1]):
                    problems.append(f"{rel}:{n}: includes {m.group(1)}, a layer above it")
                elif any(rel.as_posix().startswith(low + "/") and m.group(1).startswith(tuple(a + "/" for a in above))
                         for low, above in ENGINE_BELOW.items()):
                    problems.append(f"{rel}:{n}: includes {m.group(1)}, an engine/ folder above it")
    return problems


def self_test():
    """The checker must see each kind of upward include in a small tree (a check that cannot fail
    checks nothing)."""
    import tempfile
    cases = {
        "engine/a.hpp": ('#include "control/time/t.hpp"', "a layer above it"),
        "control/time/t.hpp": ('#include "control/stream/s.hpp"', "a layer above it"),
        "control/stray.hpp": ("", "live in one of the folders"),
        "control/newdomain/n.hpp": ("", "live in one of the folders"),
        "api/ok.hpp": ('#include "control/stream/s.hpp"\n#include "base/b.hpp"', None),
        "control/stream/s.hpp": ('#include "control/time/t.hpp"\n#include <vector>', None),
        "engine/input/i.hpp": ('#include "engine/video/v.hpp"', "an engine/ folder above it"),
        "engine/picture/p.hpp": ('#include "engine/input/i.hpp"', "an engine/ folder above it"),
        "engine/video/v.hpp": ('#include "engine/input/i.hpp"\n#include "engine/picture/p.hpp"', None),
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for rel, (text, _) in cases.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text + "\n", encoding="utf-8")
        problems = check(root)
    failed = []
    for rel, (_, expect) in cases.items():
        mine = [p for p in problems if p.startswith(rel + ":")]
        if expect and not any(expect in p for p in mine):
            failed.append(f"self-test: {rel} not reported ({expect})")
        if not expect and mine:
            failed.append(f"self-test: {rel} wrongly reported: {mine}")
    for f in failed:
        print(f)
    print(f"check_layers.py --self-test: {len(failed)} failure(s)")
    return 1 if failed else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print("usage: check_layers.py SOURCE_DIR | --self-test", file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    if not (root / "control").is_dir():
        print(f"check_layers.py: {root} has no control/ directory", file=sys.stderr)
        return 2
    problems = check(root)
    for p in problems:
        print(p)
    print(f"check_layers.py: {len(problems)} include(s) running back up")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
