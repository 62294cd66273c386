#!/usr/bin/env bash
# `podman kube play` of the StatefulSet's pod template, where this machine allows it. Podman 4.3
# (Debian 12) plays Pods, not StatefulSets, so the template is rendered into Pod loopcast-0:
#   - the pod-index label and LOOPCAST_SHARD_INDEX are 0, LOOPCAST_REPLICAS 1 (one pod runs every
#     stream of the ConfigMap; sharding itself is the rig's to test: tests/integration/test_cluster_rig.cpp);
#   - hostNetwork, with the API on 127.0.0.1:PORT (a free port; probes follow, `ports` dropped):
#     no CNI, no network beyond loopback;
#   - the Secret's variables inlined from secret.example.yaml (placeholders, never real keys): 4.3
#     resolves envFrom.secretRef against podman secrets, not a Secret in the file;
#   - the splice-cache claim template becomes an emptyDir.
# The ConfigMap (deploy/kubernetes/configmap.yaml) goes in the same file as a volume source.
# Then: build the image from the real Dockerfile (scripts/image_check.sh --build-only) unless
# loopcast:latest exists (LOOPCAST_KUBE_REBUILD=1 builds it again), play, poll the readiness
# probe's path and port until it answers (120 s, the startup probe's budget), check that
# /api/v1/streams lists the ConfigMap's streams, tear down.
# LOOPCAST_KUBE_IMAGE=NAME plays that image instead (no build), e.g. one made some other way.
# Exit 0 pass, 1 fail, 77 skipped (no podman, not root, or containers cannot run here: the reason
# is printed). Root only. Usage: bash tests/k8s/kube_play.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { echo "kube-play: $*"; }
skip() { say "SKIP: $*"; exit 77; }
fail() { say "FAIL: $*"; exit 1; }

command -v podman >/dev/null || skip "podman is not installed (apt-get install podman runc catatonit)"
[ "$(id -u)" = 0 ] || skip "needs root (rootful podman)"
command -v catatonit >/dev/null || [ -x /usr/libexec/podman/catatonit ] \
  || skip "kube play's pause image needs catatonit (apt-get install catatonit)"
command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml to render the pod"
WORK=$(mktemp -d /tmp/kube-play.XXXXXX)
PLAYED=
cleanup() {
  [ -z "$PLAYED" ] || podman kube down "$WORK/pod.yaml" >/dev/null 2>&1 || true
  podman rmi -f localhost/loopcast-kube-preflight:1 >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The sandbox refuses to raise RLIMIT_NOFILE/RLIMIT_NPROC above its hard limits and crun its cgroup
# mounts (as in scripts/image_check.sh): runc, and ulimits at or below the host's.
cat >"$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"

# Preflight: can a container run here at all? An image of /usr/bin/true and its libraries.
mkdir -p "$WORK/mini"
for f in /usr/bin/true $(ldd /usr/bin/true | grep -o '/[^ ]*'); do
  mkdir -p "$WORK/mini$(dirname "$f")" && cp -L "$f" "$WORK/mini$f"
done
tar -C "$WORK/mini" -c . | podman import -q - localhost/loopcast-kube-preflight:1 >/dev/null 2>"$WORK/preflight.log" \
  || skip "podman import fails: $(tail -n 1 "$WORK/preflight.log")"
timeout 300 podman run --rm localhost/loopcast-kube-preflight:1 /usr/bin/true >"$WORK/preflight.log" 2>&1 \
  || skip "podman cannot run a container here: $(tail -n 1 "$WORK/preflight.log")"
say "preflight: podman runs containers"

IMAGE=${LOOPCAST_KUBE_IMAGE:-loopcast:latest}
if [ -z "${LOOPCAST_KUBE_IMAGE:-}" ] && { [ -n "${LOOPCAST_KUBE_REBUILD:-}" ] || ! podman image exists loopcast:latest; }; then
  t=$(date +%s)
  bash scripts/image_check.sh --build-only || fail "image build (scripts/image_check.sh --build-only)"
  podman tag loopcast:check loopcast:latest
  say "image loopcast:latest built in $(( $(date +%s) - t )) s"
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
podman image exists "$IMAGE" || fail "no image $IMAGE"
python3 - "$PORT" "$IMAGE" >"$WORK/pod.yaml" <<'EOF'
import sys, yaml
port, image = int(sys.argv[1]), sys.argv[2]
d = "deploy/kubernetes/"
sts = yaml.safe_load(open(d + "statefulset.yaml"))
configmap = yaml.safe_load(open(d + "configmap.yaml"))
secret = yaml.safe_load(open(d + "secret.example.yaml"))
tpl = sts["spec"]["template"]
name = sts["metadata"]["name"] + "-0"
labels = dict(tpl["metadata"].get("labels", {}), **{"apps.kubernetes.io/pod-index": "0"})
spec = tpl["spec"]
spec["hostNetwork"] = True
spec["hostname"] = name
(c,) = spec["containers"]
c["image"] = image
args = c["args"]
args[args.index("--http-port") + 1] = str(port)
args[args.index("--http-bind") + 1] = "127.0.0.1"
fixed = {"LOOPCAST_SHARD_INDEX": "0", "POD_NAME": name, "LOOPCAST_REPLICAS": "1"}
c["env"] = [{"name": k, "value": v} for k, v in fixed.items()]
c["env"] += [{"name": k, "value": v} for k, v in secret["stringData"].items()]
c.pop("envFrom", None)
c.pop("ports", None)  # on the host's network podman 4.3 refuses port mappings; the probes name the port
for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
    c[probe]["httpGet"]["port"] = port
for claim in sts["spec"].get("volumeClaimTemplates", []):
    spec["volumes"].append({"name": claim["metadata"]["name"], "emptyDir": {}})
pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels,
       "annotations": tpl["metadata"].get("annotations", {})}, "spec": spec}
yaml.safe_dump_all([configmap, pod], sys.stdout, sort_keys=False)
EOF
READY_PATH=$(python3 -c 'import yaml; s=yaml.safe_load(open("deploy/kubernetes/statefulset.yaml"))
print(s["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"])')
say "rendered Pod loopcast-0 (API on 127.0.0.1:$PORT) + ConfigMap loopcast-streams"

t=$(date +%s)
PLAYED=1
timeout 300 podman kube play "$WORK/pod.yaml" >"$WORK/play.log" 2>&1 || { cat "$WORK/play.log"; fail "podman kube play"; }
CONTAINER=loopcast-0-loopcast
for _ in $(seq 120); do
  curl -fsS -m 3 "http://127.0.0.1:$PORT$READY_PATH" >/dev/null 2>&1 && break
  [ "$(podman inspect --format '{{.State.Running}}' "$CONTAINER" 2>/dev/null)" = false ] && break
  sleep 1
done
curl -fsS -m 3 "http://127.0.0.1:$PORT$READY_PATH" >/dev/null 2>&1 \
  || { podman logs "$CONTAINER" 2>&1 | tail -n 20; fail "readiness probe $READY_PATH never answered"; }
say "readiness probe $READY_PATH answers after $(( $(date +%s) - t )) s"
streams=$(curl -fsS -m 5 "http://127.0.0.1:$PORT/api/v1/streams")
ids=$(python3 -c 'import json,sys; print(" ".join(sorted(s["id"] for s in json.loads(sys.argv[1])["streams"])))' "$streams")
want=$(python3 -c 'import json,yaml; c=yaml.safe_load(open("deploy/kubernetes/configmap.yaml"))
print(" ".join(sorted(s["id"] for s in json.loads(c["data"]["loopcast.json"])["streams"])))')
[ "$ids" = "$want" ] || fail "/api/v1/streams lists '$ids', the ConfigMap declares '$want'"
user=$(podman inspect --format '{{.Config.User}}' "$CONTAINER")
case "$user" in 10001 | 10001:*) ;; *) fail "the container runs as '$user', not the manifest's runAsUser 10001" ;; esac
say "PASS: /api/v1/streams lists the ConfigMap's streams ($ids)"
