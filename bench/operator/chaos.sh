#!/usr/bin/env bash
# Chaos: SIGKILL kiln-operator KILLS times (default 10) at random moments
# while N InferenceServices (default 200) are created, updated (twice, some
# three times), deleted and some re-created; then checks, and prints, that
#   - every service converges: Ready=True for its current generation, its
#     Deployment rolled out;
#   - no update was lost: each Deployment carries the env value of the
#     service's last spec (CHAOS_REV);
#   - no orphaned child: every object labelled kiln.dev/inference-service is
#     controlled by a live InferenceService with that name and uid, and
#     deleted services left nothing;
#   - no duplicate child: one Deployment, Service, script ConfigMap and keys
#     Secret per service, and one Ready pod (replicas 1) on one ReplicaSet.
# Not part of CI (minutes, load-dependent). Exit status 1 when a check fails.
#
#   bench/operator/chaos.sh [N] [KILLS] [BUILD_DIR]     (default 200, 10, build)
set -euo pipefail
N=${1:-200}
KILLS=${2:-10}
BUILD=${3:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OPERATOR="$ROOT/$BUILD/operator/app/kiln-operator"
[[ -x $OPERATOR ]] || { echo "build kiln-operator first ($OPERATOR)" >&2; exit 2; }
DIR=$(mktemp -d /tmp/kiln-chaos.XXXXXX)
OP_PID=
DRIVER_PID=
cleanup() {
  [[ -n $DRIVER_PID ]] && kill "$DRIVER_PID" 2>/dev/null || true
  [[ -n $OP_PID ]] && kill "$OP_PID" 2>/dev/null && wait "$OP_PID" 2>/dev/null || true
  "$ROOT/tests/cluster/cluster.sh" down --dir "$DIR/cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT
say() { printf '[%6.1f s] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }
T0=$(date +%s.%N)

"$ROOT/tests/cluster/cluster.sh" up --dir "$DIR/cluster" >/dev/null 2>&1
eval "$("$ROOT/tests/cluster/cluster.sh" env --dir "$DIR/cluster")"
k() { "$KUBECTL" --kubeconfig="$KUBECONFIG" "$@"; }
# shellcheck source=bench/operator/common.sh
source "$ROOT/bench/operator/common.sh"
k apply --server-side -f "$ROOT/crds/" >/dev/null
k wait --for=condition=Established crd --all --timeout=60s >/dev/null
k create namespace chaos >/dev/null
kwok_nodes kwok-chaos 6 | k apply -f - >/dev/null
ready_model_and_environment chaos

METRICS_PORT=$(free_port)
PROBE_PORT=$(free_port)
start_operator() {
  "$OPERATOR" --kubeconfig "$KUBECONFIG" --namespace chaos --no-leader-elect \
    --controllers inferenceservice --workers 4 \
    --metrics-bind-address "127.0.0.1:$METRICS_PORT" \
    --health-probe-bind-address "127.0.0.1:$PROBE_PORT" >>"$DIR/operator.log" 2>&1 &
  OP_PID=$!
}
start_operator
until curl -sf "http://127.0.0.1:$PROBE_PORT/readyz" >/dev/null; do sleep 0.2; done
say "control plane up, kiln-operator running (pid $OP_PID); $N services, $KILLS kills"

# One service's manifest at revision REV (target cluster, 1 replica: a
# Deployment, Service, script ConfigMap and keys Secret each).
manifest() {  # manifest I REV
  cat <<YAML
---
apiVersion: kiln.dev/v1alpha1
kind: InferenceService
metadata: {name: svc-$1}
spec:
  target: cluster
  replicas: 1
  models: [{name: diabetes}]
  environmentRef: {name: sklearn}
  inferenceConfig: {source: {inline: "def init(): pass\ndef run(d): return d\n# rev $2\n"}}
  env: [{name: CHAOS_REV, value: "$2"}]
YAML
}
# The driver: applies in batches of 20, recording what the end state must be
# (expected/<name> holds the last revision, or "deleted").
mkdir -p "$DIR/expected"
apply_batch() {  # apply_batch REV I...
  local rev=$1 i
  shift
  for i in "$@"; do manifest "$i" "$rev"; done | k -n chaos apply -f - >/dev/null
  for i in "$@"; do echo "$rev" >"$DIR/expected/svc-$i"; done
}
in_batches() {  # in_batches REV LIST...: apply_batch for each 20
  local rev=$1
  shift
  local -a all=("$@")
  local at
  for ((at = 0; at < ${#all[@]}; at += 20)); do apply_batch "$rev" "${all[@]:at:20}"; done
}
driver() {
  set -e
  echo "phase create" >"$DIR/phase"
  in_batches 0 $(seq 1 "$N")
  echo "phase update 1" >"$DIR/phase"
  in_batches 1 $(seq 1 "$N")
  echo "phase delete" >"$DIR/phase"
  local deleted=() i
  for i in $(seq 5 5 "$N"); do deleted+=("svc-$i"); done
  k -n chaos delete inferenceservice "${deleted[@]}" --wait=false >/dev/null
  for n in "${deleted[@]}"; do echo deleted >"$DIR/expected/$n"; done
  echo "phase update 2" >"$DIR/phase"
  in_batches 2 $(seq 2 2 "$N" | awk '$1 % 5 != 0')
  echo "phase re-create" >"$DIR/phase"
  in_batches 3 $(seq 10 10 "$N")
  echo "phase done" >"$DIR/phase"
}
driver >"$DIR/driver.log" 2>&1 &
DRIVER_PID=$!

# The killer: spread over the driver's five phases (kill n waits for phase
# (n-1)*5/KILLS), each at a random moment 0.5-4 s after the previous one.
phases=("phase create" "phase update 1" "phase delete" "phase update 2" "phase re-create" "phase done")
phase_index() {
  local now i
  now=$(cat "$DIR/phase" 2>/dev/null || echo "phase create")
  for i in "${!phases[@]}"; do [[ ${phases[$i]} == "$now" ]] && { echo "$i"; return; }; done
  echo 0
}
kills=()
for n in $(seq 1 "$KILLS"); do
  want=$(((n - 1) * 5 / KILLS))
  while (($(phase_index) < want)); do sleep 0.2; done
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.1f", 0.5 + 3.5 * r / 32767 }')"
  kill -9 "$OP_PID"
  wait "$OP_PID" 2>/dev/null || true
  say "kill $n: SIGKILL kiln-operator pid $OP_PID during $(cat "$DIR/phase")"
  kills+=("$(cat "$DIR/phase")")
  start_operator
done
wait "$DRIVER_PID" || { echo "the driver failed:"; cat "$DIR/driver.log"; exit 1; }
DRIVER_PID=
say "driver done; kiln-operator pid $OP_PID running; waiting for convergence"
last_kill=$(date +%s.%N)

# Convergence and the checks, by check.py over the namespace's objects.
check() {
  for kind in inferenceservices.kiln.dev deployments services configmaps secrets replicasets pods; do
    k -n chaos get "$kind" -o json >"$DIR/$kind.json"
  done
  python3 - "$DIR" <<'PY'
import json, os, sys
d = sys.argv[1]
load = lambda k: json.load(open(f"{d}/{k}.json"))["items"]
expected = {n: open(f"{d}/expected/{n}").read().strip() for n in os.listdir(f"{d}/expected")}
services = {s["metadata"]["name"]: s for s in load("inferenceservices.kiln.dev")}
label = "kiln.dev/inference-service"
problems = {"not converged": [], "lost update": [], "orphan": [], "duplicate": [], "left after delete": []}
by_owner = {}
for kind in ["deployments", "services", "configmaps", "secrets"]:
    for o in load(kind):
        owner = o["metadata"].get("labels", {}).get(label)
        if owner is None:
            continue
        refs = [r for r in o["metadata"].get("ownerReferences", []) if r.get("controller")]
        s = services.get(owner)
        if s is None or s["metadata"].get("deletionTimestamp"):
            (problems["left after delete"] if expected.get(owner) == "deleted" else problems["orphan"]).append(f"{kind}/{o['metadata']['name']}")
            continue
        if len(refs) != 1 or refs[0]["uid"] != s["metadata"]["uid"]:
            problems["orphan"].append(f"{kind}/{o['metadata']['name']} (owner uid mismatch)")
        by_owner.setdefault((owner, kind), []).append(o)
rs_live = {}
for rs in load("replicasets"):
    owner = rs["metadata"].get("labels", {}).get(label)
    if owner and rs["spec"].get("replicas", 0) > 0:
        rs_live[owner] = rs_live.get(owner, 0) + 1
pods = {}
for p in load("pods"):
    owner = p["metadata"].get("labels", {}).get(label)
    if owner and not p["metadata"].get("deletionTimestamp"):
        pods[owner] = pods.get(owner, 0) + 1
for name, want in sorted(expected.items()):
    s = services.get(name)
    if want == "deleted":
        if s is not None:
            problems["left after delete"].append(f"inferenceservice/{name}")
        if pods.get(name):
            problems["left after delete"].append(f"{pods[name]} pods of {name}")
        continue
    if s is None:
        problems["not converged"].append(f"{name}: missing")
        continue
    st = s.get("status", {})
    ready = [c for c in st.get("conditions", []) if c["type"] == "Ready"]
    if st.get("observedGeneration") != s["metadata"]["generation"] or not ready or ready[0]["status"] != "True":
        problems["not converged"].append(f"{name}: Ready={ready[0]['status'] if ready else '-'} {ready[0].get('reason') if ready else ''}")
    for kind in ["deployments", "services", "configmaps", "secrets"]:
        if len(by_owner.get((name, kind), [])) != 1:
            problems["duplicate" if by_owner.get((name, kind)) else "not converged"].append(f"{name}: {len(by_owner.get((name, kind), []))} {kind}")
    deps = by_owner.get((name, "deployments"), [])
    if deps:
        dep = deps[0]
        env = {e["name"]: e.get("value") for e in dep["spec"]["template"]["spec"]["containers"][0].get("env", [])}
        if env.get("CHAOS_REV") != want:
            problems["lost update"].append(f"{name}: Deployment has rev {env.get('CHAOS_REV')}, spec's last is {want}")
        ds = dep.get("status", {})
        if ds.get("observedGeneration", 0) < dep["metadata"]["generation"] or ds.get("updatedReplicas") != 1 or ds.get("replicas") != 1 or ds.get("availableReplicas") != 1:
            problems["not converged"].append(f"{name}: Deployment not rolled out")
    if rs_live.get(name, 0) != 1 or pods.get(name, 0) != 1:
        problems["duplicate" if rs_live.get(name, 0) > 1 or pods.get(name, 0) > 1 else "not converged"].append(f"{name}: {rs_live.get(name, 0)} active ReplicaSets, {pods.get(name, 0)} pods")
live = sum(1 for w in expected.values() if w != "deleted")
json.dump({"live": live, "deleted": len(expected) - live, "problems": problems}, open(f"{d}/result.json", "w"))
sys.exit(0 if not any(problems.values()) else 1)
PY
}
converged=false
for _ in $(seq 1 120); do
  if check; then converged=true; break; fi
  sleep 5
done
took=$(echo "$(date +%s.%N) - $last_kill" | bc)
python3 - "$DIR/result.json" "$converged" "$took" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"end state: {r['live']} services expected live, {r['deleted']} deleted")
print(f"converged: {'yes' if sys.argv[2] == 'true' else 'NO'} ({float(sys.argv[3]):.1f} s after the driver and the last kill)")
for what, items in r["problems"].items():
    print(f"{what}: {len(items)}" + ("" if not items else "  e.g. " + "; ".join(items[:5])))
PY
restarts=$(grep -c "kiln-operator starting" "$DIR/operator.log" || true)
echo "kiln-operator starts: $restarts (1 + $KILLS kills); kills during: $(printf '%s, ' "${kills[@]}" | sed 's/, $//')"
echo "operator log: $DIR/operator.log (kept until the next reboot)"
trap - EXIT
cleanup
$converged
