#!/usr/bin/env bash
# loopcast@.service under a real systemd: boots ROOT (loopcast and systemd installed, nothing
# mounted in it) with systemd-nspawn, private network, and starts loopcast@check from
# /etc/loopcast/check.json + check.env. A oneshot ordered after it records what the unit did, then
# powers off. Checked: Type=notify readiness (active only once the API answers), the sandbox lets
# loopcast write its StateDirectory/RuntimeDirectory, reload (SIGHUP) keeps it running, stop
# (SIGTERM) ends with exit 0. Called by scripts/package_check.sh. Usage: unit_boot_check.sh ROOT
set -euo pipefail
ROOT=$1
say() { echo "package-check: $*"; }
fail() { say "FAIL: unit under systemd: $*"; exit 1; }

cat >"$ROOT/etc/loopcast/check.json" <<'X'
{"output": ["/var/lib/loopcast/check/out.flv"], "size": "320x180", "http_port": 8080,
 "control_dir": "/run/loopcast/check"}
X
chroot "$ROOT" chgrp loopcast /etc/loopcast/check.json
chmod 640 "$ROOT/etc/loopcast/check.json"
install -m 600 /dev/null "$ROOT/etc/loopcast/check.env"
echo "LOOPCAST_API_TOKEN=check-token-not-a-secret" >"$ROOT/etc/loopcast/check.env"

cat >"$ROOT/usr/local/sbin/loopcast-unit-check" <<'X'
#!/bin/bash
# Runs once loopcast@check is started (READY=1) or has failed.
u=loopcast@check.service
state() {  # one property at a time: `show -p A,B` prints them in its own order
  local p; for p in ActiveState SubState Result ExecMainStatus NRestarts; do printf '%s ' "$(systemctl show -p $p --value "$u")"; done
}
api() {  # the API's status line, from bash alone
  exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /api/v1/status HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3 | tr -d '\r'
}
{
  echo "started: $(state)"
  echo "status-text: $(systemctl show -p StatusText --value "$u")"
  echo "api: $(api)"
  sleep 3
  echo "files: $(stat -c '%U %n' /run/loopcast/check/status.json /var/lib/loopcast/check/out.flv | tr '\n' ' ')"
  systemctl reload "$u"; sleep 1
  echo "reloaded: $(state)"
  systemctl stop "$u"
  echo "stopped: $(state)"
  journalctl -b -u "$u" --no-pager -o cat | sed 's/^/journal: /'
} >/root/unit-check.txt 2>&1
systemctl poweroff
X
chmod 755 "$ROOT/usr/local/sbin/loopcast-unit-check"
cat >"$ROOT/etc/systemd/system/loopcast-unit-check.service" <<'X'
[Unit]
After=loopcast@check.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/loopcast-unit-check
[Install]
WantedBy=multi-user.target
X
chroot "$ROOT" systemctl enable -q loopcast@check.service loopcast-unit-check.service

# --keep-unit/--register=no: no systemd or D-Bus needed on this machine. nspawn's own seccomp
# list refuses mlock, which a host does not: allowed here, so libgcrypt (via FFmpeg's libssh) can
# lock its secure memory as on a real station, and a refusal by the unit's own filter shows.
timeout 120 systemd-nspawn -q -D "$ROOT" --boot --private-network --register=no --keep-unit \
  --system-call-filter=@memlock --console=pipe >"$ROOT/root/nspawn.log" 2>&1 </dev/null || true
R=$ROOT/root/unit-check.txt
[ -s "$R" ] || { tail -n 20 "$ROOT/root/nspawn.log"; fail "the container never ran the check"; }
show() { cat "$R"; fail "$1"; }
grep -q '^started: active running' "$R" || show "not active after start"
grep -q '^status-text: streaming: 1 stream(s)' "$R" || show "no READY status text"
grep -q '^api: HTTP/1.1 200' "$R" || show "API did not answer when the unit was started"
grep -q '^files: loopcast /run/loopcast/check/status.json loopcast /var/lib/loopcast/check/out.flv' "$R" \
  || show "status.json / out.flv not written by loopcast"
grep -q '^reloaded: active running' "$R" || show "not running after reload"
grep -q '^stopped: inactive dead success 0 0' "$R" || show "stop did not end with exit 0"
! grep -q 'using insecure memory' "$R" || show "mlock refused in the unit's sandbox (libgcrypt warns)"
say "unit under systemd (nspawn boot): ready with the API answering, state + runtime dirs written, reload, stop → exit 0 ($SECONDS s)"
