#!/usr/bin/env bash
# Stop what up.sh (and the tests' restart helpers) started in RIGDIR, by the pids recorded there.
RIG=${1:?rig dir}
for f in source.pid icecast.pid nginx.launch.pid nginx.pid; do
  [ -f "$RIG/$f" ] && kill "$(cat "$RIG/$f")" 2>/dev/null
done
true
