#!/usr/bin/env bash
# N InferenceServices (target dev, one model, one Environment) to Ready on a
# fresh local control plane with KWOK nodes, against the floor, in one run on
# the same apiserver:
#   floor: a bare client (kubectl apply --server-side) writes the same children
#          kiln would (tests/unit/inference_service/golden/dev.json renamed),
#          then waits until every Deployment is available; no controller.
#   kiln:  kubectl applies the N InferenceServices; kiln-operator does the rest;
#          timed until every InferenceService is Ready.
# Then the operator's RSS and CPU seconds, and its reconciles during 30 s of
# idle after convergence (target: none).
#
#   bench/operator/isvc_to_ready.sh [N] [BUILD_DIR]     (default 1000, build)
#
# The Model and Environment controllers are not run: their status is written
# directly, as the cluster tests do. 30 extra KWOK nodes are added (110 pods each).
set -euo pipefail
N=${1:-1000}
BUILD=${2:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OPERATOR="$ROOT/$BUILD/operator/app/kiln-operator"
[[ -x $OPERATOR ]] || { echo "build kiln-operator first ($OPERATOR)" >&2; exit 2; }
DIR=$(mktemp -d /tmp/kiln-bench-isvc.XXXXXX)
OP_PID=
cleanup() {
  [[ -n $OP_PID ]] && kill "$OP_PID" 2>/dev/null && wait "$OP_PID" 2>/dev/null || true
  "$ROOT/tests/cluster/cluster.sh" down --dir "$DIR/cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$ROOT/tests/cluster/cluster.sh" up --dir "$DIR/cluster" >/dev/null
eval "$("$ROOT/tests/cluster/cluster.sh" env --dir "$DIR/cluster")"
k() { "$KUBECTL" --kubeconfig="$KUBECONFIG" "$@"; }
k apply --server-side -f "$ROOT/crds/" >/dev/null
k wait --for=condition=Established crd --all --timeout=60s >/dev/null
k create namespace bench >/dev/null
k create namespace floor >/dev/null
for i in $(seq 1 30); do
  cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-bench-$i
  annotations: {node.alpha.kubernetes.io/ttl: "0", kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: kwok-bench-$i, kubernetes.io/os: linux, type: kwok}
status:
  capacity: {cpu: "64", memory: 512Gi, pods: "110"}
  allocatable: {cpu: "64", memory: 512Gi, pods: "110"}
YAML
done | k apply -f - >/dev/null
d1="sha256:$(printf '1%.0s' {1..64})"
de="sha256:$(printf 'e%.0s' {1..64})"
cat <<YAML | k -n bench apply -f - >/dev/null
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata: {name: diabetes}
spec: {source: {uri: https://models.example.com/diabetes.pkl}}
---
apiVersion: kiln.dev/v1alpha1
kind: Environment
metadata: {name: sklearn}
spec: {python: {pip: [scikit-learn]}}
YAML
k -n bench patch model diabetes --subresource=status --type=merge -p \
  "{\"status\":{\"version\":1,\"digest\":\"$d1\",\"image\":\"registry.kiln.test/models/bench/diabetes@$d1\",\"versions\":[{\"version\":1,\"digest\":\"$d1\",\"image\":\"registry.kiln.test/models/bench/diabetes@$d1\"}]}}" >/dev/null
k -n bench patch environment sklearn --subresource=status --type=merge -p \
  "{\"status\":{\"phase\":\"Ready\",\"image\":\"registry.kiln.test/envs/bench/sklearn@$de\"}}" >/dev/null

METRICS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PROBE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$OPERATOR" --kubeconfig "$KUBECONFIG" --namespace bench --no-leader-elect \
  --controllers inferenceservice --workers 4 \
  --metrics-bind-address "127.0.0.1:$METRICS_PORT" \
  --health-probe-bind-address "127.0.0.1:$PROBE_PORT" >"$DIR/operator.log" 2>&1 &
OP_PID=$!
until curl -sf "http://127.0.0.1:$PROBE_PORT/readyz" >/dev/null; do sleep 0.2; done

for i in $(seq 1 "$N"); do
  cat <<YAML
---
apiVersion: kiln.dev/v1alpha1
kind: InferenceService
metadata: {name: svc-$i}
spec:
  target: dev
  models: [{name: diabetes}]
  environmentRef: {name: sklearn}
  inferenceConfig: {source: {inline: "def init(): pass\ndef run(d): return d\n"}}
YAML
done >"$DIR/services.yaml"

# The floor: the same children, written by a bare client, no controller.
python3 - "$ROOT/tests/unit/inference_service/golden/dev.json" "$N" >"$DIR/floor.json" <<'PY'
import copy, json, sys
golden = json.load(open(sys.argv[1]))["apply"]
items = []
for i in range(1, int(sys.argv[2]) + 1):
    text = json.dumps(golden).replace("dev-svc", f"svc-{i}").replace('"ns1"', '"floor"')
    for o in json.loads(text):
        o["metadata"].pop("ownerReferences", None)
        items.append(o)
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
fstart=$(date +%s.%N)
k -n floor apply --server-side --field-manager=floor -f "$DIR/floor.json" >/dev/null
while :; do
  avail=$(k -n floor get deployments -o jsonpath='{range .items[*]}{.status.availableReplicas}{"\n"}{end}' | grep -c '^1$' || true)
  [[ $avail -ge $N ]] && break
  sleep 1
done
fend=$(date +%s.%N)

start=$(date +%s.%N)
k -n bench apply -f "$DIR/services.yaml" >/dev/null
while :; do
  ready=$(k -n bench get kisvc -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
  [[ $ready -ge $N ]] && break
  sleep 1
done
end=$(date +%s.%N)

reconciles() {
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" |
    awk '/^controller_runtime_reconcile_total\{/ && /inferenceservice/ {s += $NF} END {print s+0}'
}
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$OP_PID/status)
ticks=$(getconf CLK_TCK)
cpu=$(awk -v t="$ticks" '{printf "%.1f", ($14 + $15) / t}' /proc/$OP_PID/stat)
before=$(reconciles)
sleep 30
after=$(reconciles)
floor=$(echo "$fend - $fstart" | bc)
kiln=$(echo "$end - $start" | bc)
printf 'floor (bare client, same children, no controller): %d services available in %.1f s\n' "$N" "$floor"
printf 'kiln (InferenceServices applied, operator does the rest): %d Ready in %.1f s (%.2fx the floor)\n' \
  "$N" "$kiln" "$(echo "$kiln / $floor" | bc -l)"
printf 'kiln-operator RSS: %d MB, CPU: %s s, reconciles total: %s, during 30 s idle: %d\n' \
  $((rss_kb / 1024)) "$cpu" "$after" $((after - before))
printf 'machine: %s, %s cores\n' "$(uname -m)" "$(nproc)"
