#!/usr/bin/env bash
# Pod start to Ready on the test cluster's real node, and a kaniko build.
#
#   bench/node/pod_start.sh [PODS]    (default 5; root; no other real node running)
#
# Starts a control plane with a real node in a temporary directory (and times
# that), then creates PODS pods one after another (Debian base image, `sleep`)
# and prints, for each, the seconds from `kubectl apply` to Ready: the first
# pulls and unpacks the image from the node's registry, the others find it
# cached. Then a kaniko Job builds a two-step Dockerfile FROM that image and
# pushes it (apply to Complete). Tears everything down at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pods=${1:-5}
dir=$(mktemp -d /tmp/kiln-bench-node.XXXXXX)
trap '"$root/tests/cluster/cluster.sh" down --dir "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

start=$(now)
"$root/tests/cluster/cluster.sh" up --dir "$dir" --real-node --watch-parent >/dev/null 2>"$dir.up.log" ||
  { cat "$dir.up.log"; exit 1; }
echo "cluster up with the real node: $(since "$start") s ($(grep -o 'Ready in [0-9]* s' "$dir.up.log") for the node itself)"
rm -f "$dir.up.log"
eval "$("$root/tests/cluster/cluster.sh" env --dir "$dir")"
k() { "$KUBECTL" "$@"; }
placement='"nodeSelector": {"kiln.dev/real-node": "true"}, "dnsPolicy": "Default",
  "terminationGracePeriodSeconds": 1,
  "tolerations": [{"key": "kiln.dev/real-node", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]'

for i in $(seq 1 "$pods"); do
  start=$(now)
  k apply -f - >/dev/null <<POD
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p$i"},
 "spec": {$placement, "containers": [{"name": "main", "image": "$KILN_IMAGE_DEBIAN", "command": ["sleep", "3600"]}]}}
POD
  k wait --for=condition=Ready "pod/p$i" --timeout=120s >/dev/null
  echo "pod $i: apply to Ready $(since "$start") s$([ "$i" = 1 ] && echo ' (image pulled from the registry)')"
done

k create configmap context --from-literal=Dockerfile="$(printf 'ARG BASE\nFROM $BASE\nRUN python3 -c "print(42)" > /answer\nCMD ["cat", "/answer"]\n')" >/dev/null
start=$(now)
k apply -f - >/dev/null <<JOB
{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "build"},
 "spec": {"backoffLimit": 0, "template": {"spec": {$placement, "restartPolicy": "Never",
   "containers": [{"name": "kaniko", "image": "$KILN_IMAGE_KANIKO",
     "args": ["--dockerfile=/workspace/Dockerfile", "--context=dir:///workspace",
              "--build-arg=BASE=$KILN_IMAGE_DEBIAN", "--destination=$KILN_REGISTRY/bench/answer:1",
              "--insecure", "--insecure-pull", "--snapshot-mode=redo"],
     "volumeMounts": [{"name": "context", "mountPath": "/workspace"}]}],
   "volumes": [{"name": "context", "configMap": {"name": "context"}}]}}}}
JOB
k wait --for=condition=Complete job/build --timeout=300s >/dev/null
echo "kaniko Job (FROM the Debian base, one RUN step, push): apply to Complete $(since "$start") s"
start=$(now)
"$root/tests/cluster/cluster.sh" down --dir "$dir" 2>&1 | grep -o 'real-node: down in.*' || true
echo "cluster down: $(since "$start") s"
