#!/usr/bin/env python3
"""Run compose.yaml's demo profile where no Docker engine runs, after docker_chroot.py built the image.

Each demo service runs its own `command` as-is in a fresh Debian 12 root (debian:12-slim →
debootstrap minbase; `build: .` → the final stage that docker_chroot.py left in --work), with its
bind-mount volumes, on this machine's network: service names resolve to 127.0.0.1, so the ports
must be free (1935, 8000, 8080). The check: loopcast becomes healthy, reads the demo station,
publishes to the demo ingest, and the ingest's recording holds H.264 + AAC of the expected length
with the station's tone (not silence) in it.

Usage (root): python3 scripts/docker_chroot.py && python3 scripts/compose_demo_chroot.py [--seconds N]
Needs: what docker_chroot.py needs, python3-yaml, the ffmpeg CLI (to measure the recorded tone).
"""
import argparse, json, os, shlex, signal, subprocess, sys, time, urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from docker_chroot import REPO, Root, log  # noqa: E402


def processes_in(root_path):
    """PIDs whose root directory is inside the chroot (every process a service started)."""
    pids = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if os.readlink(f"/proc/{p}/root").startswith(root_path):
                    pids.append(int(p))
            except OSError:
                pass
    return pids


def as_argv(value):
    return value if isinstance(value, list) else ["sh", "-c", value]


def status(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/status", timeout=2) as r:
            return json.load(r)
    except Exception:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/var/tmp/loopcast-docker-chroot")
    ap.add_argument("--seconds", type=float, default=12)
    a = ap.parse_args()
    # The services must not outlive this script: a signal still runs the clean-up below.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit("interrupted"))
    compose = yaml.safe_load(open(os.path.join(REPO, "compose.yaml")))
    services = {n: s for n, s in compose["services"].items() if "demo" in s.get("profiles", [])}
    base_tar = os.path.join(a.work, "bookworm-minbase.tar")
    image_root = os.path.join(a.work, "stage-1")
    if not os.path.exists(base_tar) or not os.path.exists(os.path.join(image_root, "usr/local/bin/loopcast")):
        raise SystemExit("run scripts/docker_chroot.py first (it builds the image's file system)")
    roots, procs, ok = [], [], False
    rec_dir = None
    try:
        order = sorted(services, key=lambda n: "build" in services[n])  # the ingest and station first
        for name in order:
            svc = services[name]
            if "build" in svc:
                root = Root(a.work, "1", base_tar, fresh=False)  # the image docker_chroot.py built, as it is
                root.user, root.env["HOME"] = "loopcast", "/home/loopcast"
                argv = ["/usr/local/bin/loopcast", "run"] + as_argv(svc["command"])
            else:
                root = Root(a.work, name, base_tar)
                argv = as_argv(svc["command"])
            roots.append(root)
            with open(root.host("/etc/hosts"), "a") as hosts:
                hosts.write("127.0.0.1 " + " ".join(services) + "\n")
            for vol in svc.get("volumes", []):
                src, dst = vol.split(":")[:2]
                if src.startswith("./"):
                    src = os.path.join(REPO, src[2:])
                    os.makedirs(src, exist_ok=True)
                    root.mount(["--bind", src], dst)
                    if dst == "/rec":
                        rec_dir = src
                        for f in os.listdir(src):
                            os.remove(os.path.join(src, f))
            log(f"[{name}] {' '.join(argv)[:120]}")
            out = open(os.path.join(a.work, f"{name}.log"), "w")
            procs.append((name, root, subprocess.Popen(root.chroot_argv(argv), stdout=out, stderr=subprocess.STDOUT,
                                                       stdin=subprocess.DEVNULL, start_new_session=True)))
        port = 8080
        deadline = time.time() + 600  # the demo services apt-get install their servers first
        st = None
        while time.time() < deadline:
            st = status(port)
            if st and st.get("audio", {}).get("state") == "connected" and st["outputs"] and st["outputs"][0]["state"] == "live":
                break
            if any(p.poll() is not None for _, _, p in procs):
                raise SystemExit("a demo service exited: see " + a.work + "/*.log")
            time.sleep(1)
        else:
            raise SystemExit(f"demo not up within 600 s; last status: {st}")
        log(f"demo up: audio {st['audio']['state']} from {st['audio']['source']}, output {st['outputs'][0]['state']}")
        time.sleep(a.seconds)
        loopcast = next(p for n, _, p in procs if "build" in services[n])
        loopcast.send_signal(signal.SIGTERM)
        code = loopcast.wait(15)
        log(f"loopcast exited with {code}")
        time.sleep(1)
        recs = sorted(os.listdir(rec_dir)) if rec_dir else []
        log(f"ingest recordings: {recs}")
        if len(recs) == 1:
            path = os.path.join(rec_dir, recs[0])
            probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration", "-of", "json", path],
                                   capture_output=True, text=True)
            info = json.loads(probe.stdout or "{}")
            codecs = sorted(s["codec_name"] for s in info.get("streams", []))
            duration = float(info.get("format", {}).get("duration", 0))
            # The station's tone, not silence: its last seconds carry the demo sine.
            vol = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-sseof", "-5", "-i", path, "-vn", "-af", "volumedetect", "-f",
                                  "null", "-"], capture_output=True, text=True).stderr
            mean = float(vol.split("mean_volume: ")[1].split(" dB")[0]) if "mean_volume: " in vol else -91.0
            log(f"recording: {codecs}, {duration:.1f} s, audio mean {mean:.1f} dB over the last 5 s")
            ok = code == 0 and codecs == ["aac", "h264"] and duration > a.seconds - 1 and mean > -40
    finally:
        for name, root, p in procs:
            for pid in processes_in(root.path):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            p.wait(10)
        for root in roots:
            root.close()
    log("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
