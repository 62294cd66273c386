#!/usr/bin/env python3
"""Run the Dockerfile where no Docker engine runs: each stage in a debootstrapped Debian 12 root.

Reads ./Dockerfile (FROM, WORKDIR, ENV, COPY [--from], RUN, USER, HEALTHCHECK, ENTRYPOINT, CMD),
runs its RUN lines in a chroot of a fresh `debootstrap --variant=minbase bookworm` (what the
debian:12 and debian:12-slim images are built from), copies between stages as COPY --from does,
then starts the final ENTRYPOINT + CMD as the image's USER in a private network namespace (its own
loopback, like a container) and runs the HEALTHCHECK command against it. The stream goes to a
local FLV file (LOOPCAST_OUTPUT) that is checked for H.264 + AAC.

Usage (root, Debian): python3 scripts/docker_chroot.py [--work DIR] [--seconds N]
Needs: debootstrap, util-linux (unshare), iproute2, ffprobe. Downloads Debian packages.
"""
import argparse, json, os, re, shlex, shutil, signal, subprocess, sys, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIRROR = "http://deb.debian.org/debian"


def log(msg):
    print(f"docker-chroot: {msg}", flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def parse_dockerfile(path):
    """Stages as [{'name', 'base', 'steps': [(INSTR, args)]}]; continuation lines joined."""
    text = re.sub(r"\\\n", " ", open(path).read())
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instr, _, args = line.partition(" ")
        instr, args = instr.upper(), args.strip()
        if instr == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else str(len(stages))
            stages.append({"name": name, "base": parts[0], "steps": []})
        else:
            stages[-1]["steps"].append((instr, args))
    return stages


def ignored(rel, patterns):
    return any(rel == p or rel.startswith(p + "/") for p in patterns)


def copy_context(src, dst, patterns):
    """COPY from the build context, honouring .dockerignore (plain path prefixes)."""
    if os.path.isfile(src):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        return
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, REPO)
        dirnames[:] = [d for d in dirnames if not ignored(os.path.normpath(os.path.join(rel_dir, d)), patterns)]
        for f in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, f))
            if ignored(rel, patterns):
                continue
            target = os.path.join(dst, os.path.relpath(os.path.join(dirpath, f), src))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(dirpath, f), target, follow_symlinks=False)


class Root:
    """A stage's file system: a fresh minbase bookworm, /proc and /dev mounted for apt."""

    def __init__(self, work, name, base_tar, fresh=True):
        self.path = os.path.join(work, "stage-" + name)
        self.mounts = []
        self.cwd, self.env, self.user = "/", {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}, None
        if fresh:
            if os.path.exists(self.path):
                sh(["rm", "-rf", "--one-file-system", self.path])
            os.makedirs(self.path)
            sh(["tar", "-xpf", base_tar, "-C", self.path])
            # As in a container build: package scripts never start daemons (they would take this
            # machine's ports).
            with open(self.host("/usr/sbin/policy-rc.d"), "w") as f:
                f.write("#!/bin/sh\nexit 101\n")
            os.chmod(self.host("/usr/sbin/policy-rc.d"), 0o755)
        shutil.copy("/etc/resolv.conf", self.host("/etc/resolv.conf"))
        self.mount(["-t", "proc", "proc"], "/proc")
        self.mount(["--rbind", "/dev"], "/dev")

    def host(self, p):
        return os.path.join(self.path, p.lstrip("/"))

    def mount(self, args, inside):
        os.makedirs(self.host(inside), exist_ok=True)
        sh(["mount", *args, self.host(inside)])
        self.mounts.append(self.host(inside))

    def ids(self):
        if not self.user:
            return None
        for line in open(self.host("/etc/passwd")):
            f = line.split(":")
            if f[0] == self.user or f[2] == self.user:
                return f"{f[2]}:{f[3]}"
        raise SystemExit(f"USER {self.user}: no such user in the image")

    def chroot_argv(self, argv, env=None):
        spec = ["--userspec=" + self.ids()] if self.user else []
        e = dict(self.env, **(env or {}))
        return ["chroot", *spec, self.path, "env", "-i", *[f"{k}={v}" for k, v in e.items()], "sh", "-c",
                f"cd {shlex.quote(self.cwd)} && exec " + " ".join(shlex.quote(a) for a in argv)]

    def close(self):
        for m in reversed(self.mounts):
            subprocess.run(["umount", "-R", "-l", m], check=False)
        self.mounts = []


def exec_form(args):
    return json.loads(args) if args.startswith("[") else ["sh", "-c", args]


def run_stage(stage, roots, work, base_tar, patterns):
    root = Root(work, stage["name"], base_tar)
    roots[stage["name"]] = root
    final = {}
    for instr, args in stage["steps"]:
        if instr == "WORKDIR":
            root.cwd = os.path.join(root.cwd, args)
            os.makedirs(root.host(root.cwd), exist_ok=True)
        elif instr == "ENV":
            k, _, v = args.partition("=")
            root.env[k.strip()] = v.strip().strip('"')
        elif instr == "USER":
            root.user = args
        elif instr == "COPY":
            words = args.split()
            src_root = None
            if words[0].startswith("--from="):
                src_root = roots[words.pop(0)[7:]]
            *srcs, dst = words
            dst_abs = dst if dst.startswith("/") else os.path.join(root.cwd, dst)
            for s in srcs:
                src = src_root.host(s) if src_root else os.path.join(REPO, s)
                target = root.host(dst_abs)
                if os.path.isfile(src) and (dst.endswith("/") or os.path.isdir(target)):
                    target = os.path.join(target, os.path.basename(src))
                if src_root:
                    os.makedirs(os.path.dirname(target.rstrip("/")), exist_ok=True)
                    sh(["cp", "-a", src.rstrip("/") + ("/." if os.path.isdir(src) else ""), target])
                else:
                    copy_context(src, target, patterns)
        elif instr == "RUN":
            log(f"[{stage['name']}] RUN {args[:100]}{'…' if len(args) > 100 else ''}")
            t0 = time.time()
            sh(root.chroot_argv(["sh", "-c", args]), stdin=subprocess.DEVNULL)
            log(f"[{stage['name']}]   ok in {time.time() - t0:.0f} s")
        elif instr in ("HEALTHCHECK", "ENTRYPOINT", "CMD", "EXPOSE"):
            final[instr] = args
        else:
            raise SystemExit(f"unsupported instruction {instr}")
    return root, final


def smoke(root, final, seconds):
    """ENTRYPOINT + CMD as USER in a private netns; HEALTHCHECK until healthy; SIGTERM; exit 0."""
    entry = exec_form(final["ENTRYPOINT"]) + exec_form(final.get("CMD", "[]"))
    health = final["HEALTHCHECK"].split(" CMD ", 1)[1]
    env = {"LOOPCAST_OUTPUT": "/tmp/docker-check.flv"}
    start = " ".join(shlex.quote(a) for a in root.chroot_argv(entry, env))
    check = " ".join(shlex.quote(a) for a in root.chroot_argv(["sh", "-c", health]))
    script = f"""
ip link set lo up
{start} > {shlex.quote(root.host('/tmp/loopcast.log'))} 2>&1 &
pid=$!
healthy=0
for i in $(seq 1 50); do
  if {check}; then healthy=1; echo "docker-chroot: HEALTHCHECK passed after $((i * 200)) ms"; break; fi
  sleep 0.2
done
sleep {seconds}
{check} || healthy=0
kill -TERM $pid; wait $pid; code=$?
echo "docker-chroot: loopcast exited with $code after SIGTERM"
[ $healthy = 1 ] && [ $code = 0 ]
"""
    ok = subprocess.run(["unshare", "--net", "bash", "-c", script]).returncode == 0
    print(open(root.host("/tmp/loopcast.log")).read()[-1500:])
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                            root.host("/tmp/docker-check.flv")], capture_output=True, text=True)
    codecs = sorted(probe.stdout.split())
    log(f"recorded streams: {codecs}")
    return ok and codecs == ["aac", "h264"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/var/tmp/loopcast-docker-chroot")
    ap.add_argument("--seconds", type=float, default=5)
    a = ap.parse_args()
    for sig in (signal.SIGTERM, signal.SIGINT):  # still unmount on the way out
        signal.signal(sig, lambda *_: sys.exit("interrupted"))
    if os.geteuid() != 0:
        raise SystemExit("run as root (chroot, mount, unshare)")
    os.makedirs(a.work, exist_ok=True)
    base_tar = os.path.join(a.work, "bookworm-minbase.tar")
    if not os.path.exists(base_tar):
        log("debootstrap --variant=minbase bookworm (once)")
        tmp = os.path.join(a.work, "base")
        sh(["rm", "-rf", "--one-file-system", tmp])
        sh(["debootstrap", "--variant=minbase", "bookworm", tmp, MIRROR], stdout=subprocess.DEVNULL)
        sh(["tar", "-cpf", base_tar, "-C", tmp, "."])
        sh(["rm", "-rf", "--one-file-system", tmp])
    ignore_file = os.path.join(REPO, ".dockerignore")
    patterns = [l.strip().strip("/") for l in open(ignore_file)] if os.path.exists(ignore_file) else []
    patterns = [p for p in patterns if p and not p.startswith("#")]
    roots, result = {}, False
    try:
        for stage in parse_dockerfile(os.path.join(REPO, "Dockerfile")):
            root, final = run_stage(stage, roots, a.work, base_tar, patterns)
        size = subprocess.run(["du", "-sm", root.path], capture_output=True, text=True).stdout.split()[0]
        log(f"final stage file system: {size} MB (uncompressed, without Docker's layer sharing)")
        result = smoke(root, final, a.seconds)
    finally:
        for r in roots.values():
            r.close()
    log("PASS" if result else "FAIL")
    sys.exit(0 if result else 1)


if __name__ == "__main__":
    main()
