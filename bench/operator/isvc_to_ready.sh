#!/usr/bin/env bash
# InferenceServices to Ready: Kiln against the floor and against KServe's
# controller, in one run, printed side by side.
#
#   bench/operator/isvc_to_ready.sh [N] [BUILD_DIR]     (default 1000, build)
#   env: LARGE=10000 (0: skip), KSERVE=1 (0: skip), WORKERS=4, IDLE=30,
#        ROUNDS=3, OPERATOR=path/to/kiln-operator (default BUILD_DIR/operator/app/kiln-operator)
#
# ROUNDS rounds, each on a fresh control plane (KWOK nodes), on one apiserver;
# the ratio to the floor is printed for each and their median (one round's
# ratio moves by about 0.1 between rounds on a quiet machine):
#   floor: a bare client server-side applies the children kiln writes for N
#          dev services (tests/unit/inference_service/golden/dev.json renamed,
#          no owner), WORKERS requests at a time, then waits until every
#          Deployment has an available replica. No controller.
#   kiln:  the N InferenceServices are created first with the same client
#          (not timed), then kiln-operator starts; timed from its start until
#          every InferenceService is Ready. So both timings hold the same work:
#          the children's writes and their rollout.
#   Then kiln-operator's RSS, CPU seconds and reconciles, and its reconciles
#   during IDLE s after convergence (target: none).
#   floor again, into another namespace: each phase here runs behind the
#   services of the phases before it, which slows it, so kiln is compared
#   with the mean of the floor before it and the floor after it.
#   Also printed: each phase's CPU seconds by process and API requests.
#   LARGE, in the last round: kube-controller-manager is stopped and LARGE - N
#   more services are created; kiln-operator writes their children; the script writes each new
#   Deployment's status as its controller would (no pods: KWOK would need
#   ~100 more nodes and the machine an hour), and waits until all LARGE are
#   Ready; then RSS, CPU and idle reconciles with every service and its
#   children cached.
# Then a fresh control plane: KServe v0.16.0's manager (bench/operator/build_kserve.sh,
#   RawDeployment, its CRDs) on the same N services, created first the same
#   way; time from its start to all Ready, RSS, CPU, reconciles in IDLE s.
#
# The Model and Environment controllers are not run: their status is written
# directly, as the cluster tests do. Readiness is followed with a watch
# (bench/operator/bulk_api.py), not by polling.
set -euo pipefail
N=${1:-1000}
BUILD=${2:-build}
LARGE=${LARGE:-10000}
KSERVE=${KSERVE:-1}
WORKERS=${WORKERS:-4}
IDLE=${IDLE:-30}
ROUNDS=${ROUNDS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/operator"
# shellcheck source=bench/operator/common.sh
source "$HERE/common.sh"
OPERATOR=${OPERATOR:-"$ROOT/$BUILD/operator/app/kiln-operator"}
[[ -x $OPERATOR ]] || { echo "build kiln-operator first ($OPERATOR)" >&2; exit 2; }
if [[ $KSERVE != 0 ]]; then KSERVE_MANAGER=$("$HERE/build_kserve.sh"); fi
DIR=$(mktemp -d /tmp/kiln-bench-isvc.XXXXXX)
BULK="python3 $HERE/bulk_api.py"
PIDS=()
CLUSTER=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [[ -z $CLUSTER ]] || "$ROOT/tests/cluster/cluster.sh" down --dir "$CLUSTER" >/dev/null 2>&1 || true
}
trap cleanup EXIT
log() { echo "[$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)] $*" >&2; }
now() { date +%s.%N; }
since() { echo "$1 - $2" | bc; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / t}' "/proc/$1/stat"; }
# Sum of controller_runtime_reconcile_total for controllers matching $2.
reconciles() {
  curl -sf "http://127.0.0.1:$1/metrics" |
    awk -v c="$2" '/^controller_runtime_reconcile_total\{/ && $0 ~ "controller=\"" c {s += $NF} END {print s+0}'
}
# Where the operator's memory is, from its own metrics: malloc's bytes in use
# and held free, and each informer's objects and their packed bytes.
memory_breakdown() {
  curl -sf "http://127.0.0.1:$1/metrics" | awk '
    /^kiln_malloc_in_use_bytes / {u = $NF} /^kiln_malloc_free_bytes / {f = $NF}
    /^process_resident_memory_bytes / {r = $NF}
    /^kiln_informer_(objects|packed_bytes)\{/ {
      match($0, /resource="[^"]*"/); res = substr($0, RSTART + 10, RLENGTH - 11)
      if ($0 ~ /^kiln_informer_objects/) n[res] = $NF; else b[res] = $NF }
    END {
      printf "RSS %.1f MB: malloc in use %.1f MB, malloc free %.1f MB, the rest (code, stacks) %.1f MB\n", r / 1048576, u / 1048576, f / 1048576, (r - u - f) / 1048576
      for (x in n) printf "  cache %s: %d objects, %.1f MB packed (%.0f B each)\n", x, n[x], b[x] / 1048576, n[x] ? b[x] / n[x] : 0
    }'
}
# After convergence: RSS (and peak), CPU and reconciles of process PID whose
# metrics are on PORT, then the same after IDLE s. Sets PREFIX_rss, _hwm, _cpu,
# _total, _idle (reconciles while idle), _rss_idle and _cpu_idle.
measure_converged() {  # measure_converged PREFIX PID PORT
  local total
  printf -v "$1_rss" '%s' "$(rss_mb "$2")"
  printf -v "$1_hwm" '%s' "$(hwm_mb "$2")"
  printf -v "$1_cpu" '%s' "$(cpu_s "$2")"
  total=$(reconciles "$3" inferenceservice)
  printf -v "$1_total" '%s' "$total"
  sleep "$IDLE"
  printf -v "$1_idle" '%s' $(($(reconciles "$3" inferenceservice) - total))
  printf -v "$1_rss_idle" '%s' "$(rss_mb "$2")"
  printf -v "$1_cpu_idle" '%s' "$(cpu_s "$2")"
}
# CPU seconds used so far by each control-plane process, the operator
# ("operator", when OP_PID is set), the whole machine ("machine", busy
# time of all cores) and "steal", one "name seconds" line each.
cpu_snapshot() {
  while read -r name pid; do echo "$name $(cpu_s "$pid" 2>/dev/null || echo 0)"; done <"$CLUSTER/pids"
  [[ -z ${OP_PID:-} ]] || echo "operator $(cpu_s "$OP_PID")"
  # steal: time the hypervisor gave this guest's cores to others; a phase
  # with much of it ran on slower cores than the rest.
  awk -v t="$(getconf CLK_TCK)" '/^cpu / {printf "machine %.1f\nsteal %.1f\n", ($2 + $3 + $4 + $7 + $8) / t, $9 / t}' /proc/stat
}
# snapshot_delta BEFORE AFTER MIN: "delta key" for each key of two "key
# value" snapshots whose value grew by at least MIN, largest first.
snapshot_delta() {
  join -a2 <(sort "$1") <(sort "$2") | awk -v min="$3" '{d = (NF == 3 ? $3 - $2 : $2); if (d >= min) print d, $1}' |
    sort -rn
}
# The CPU seconds between two cpu_snapshot snapshots, most first, on one line.
cpu_delta() { snapshot_delta "$1" "$2" 0.05 | awk '{printf "%s%s %.1f s", (NR > 1 ? ", " : ""), $2, $1}'; }
LOADS=()
sample_load() { LOADS+=("$(cut -d' ' -f1 /proc/loadavg)"); }

cluster_up() {  # cluster_up NAME NODES
  CLUSTER="$DIR/$1"
  "$ROOT/tests/cluster/cluster.sh" up --dir "$CLUSTER" >/dev/null
  eval "$("$ROOT/tests/cluster/cluster.sh" env --dir "$CLUSTER")"
  kwok_nodes kwok-bench "$2" | k apply -f - >/dev/null
}
cluster_down() {
  "$ROOT/tests/cluster/cluster.sh" down --dir "$CLUSTER" >/dev/null 2>&1 || true
  CLUSTER=
}
k() { "$KUBECTL" --kubeconfig="$KUBECONFIG" "$@"; }
# API requests served so far, by verb and resource (the apiserver's counter).
api_requests() {
  k get --raw /metrics | awk '/^apiserver_request_total\{/ {
      match($0, /resource="[^"]*"/); r = substr($0, RSTART + 10, RLENGTH - 11)
      match($0, /subresource="[^"]*"/); s = substr($0, RSTART + 13, RLENGTH - 14)
      match($0, /verb="[^"]*"/); v = substr($0, RSTART + 6, RLENGTH - 7)
      n[v "_" r (s == "" ? "" : "/" s)] += $NF }
    END { for (x in n) print x, n[x] }' | sort
}
# The requests between two api_requests snapshots, most first.
api_delta() { snapshot_delta "$1" "$2" 1; }
nodes=$((3 * N / 80 + 2))

# services FIRST LAST: the InferenceServices svc-FIRST..svc-LAST, as a List.
services() {
  python3 - "$1" "$2" <<'PY'
import json, sys
items = [{"apiVersion": "kiln.dev/v1alpha1", "kind": "InferenceService",
          "metadata": {"name": f"svc-{i}", "namespace": "bench"},
          "spec": {"target": "dev", "models": [{"name": "diabetes"}],
                   "environmentRef": {"name": "sklearn"},
                   "inferenceConfig": {"source": {"inline": "def init(): pass\ndef run(d): return d\n"}}}}
         for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1)]
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
}
# floor_children NAMESPACE: the children kiln writes for svc-1..svc-N, in
# NAMESPACE, without owners, as a List.
floor_children() {
  python3 - "$ROOT/tests/unit/inference_service/golden/dev.json" "$N" "$1" <<'PY'
import json, sys
golden = json.load(open(sys.argv[1]))["apply"]
items = []
for i in range(1, int(sys.argv[2]) + 1):
    text = json.dumps(golden).replace("dev-svc", f"svc-{i}").replace('"ns1"', json.dumps(sys.argv[3]))
    for o in json.loads(text):
        o["metadata"].pop("ownerReferences", None)
        items.append(o)
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
}
# run_floor NAMESPACE: the floor's writes into NAMESPACE and their rollout.
# Sets floor_NAMESPACE (time to all available) and floor_NAMESPACE_writes;
# snapshots CPU and API requests to $RD/{cpu,api}.NAMESPACE.{0,1}.
run_floor() {
  local ns=$1 start written waiter
  k create namespace "$ns" >/dev/null
  floor_children "$ns" >"$RD/$ns.json"
  log "floor ($ns): $((N * 3)) children by a bare client ($WORKERS at a time), then their rollout"
  api_requests >"$RD/api.$ns.0"
  $BULK wait "$KUBECONFIG" deployments "$ns" "$N" >"$RD/$ns.end" &
  waiter=$!
  sleep 1
  sample_load
  cpu_snapshot >"$RD/cpu.$ns.0"
  start=$(now)
  $BULK apply "$KUBECONFIG" "$RD/$ns.json" --threads "$WORKERS" --field-manager floor
  written=$(now)
  wait "$waiter"
  printf -v "floor_${ns//-/_}" '%s' "$(since "$(cat "$RD/$ns.end")" "$start")"
  printf -v "floor_${ns//-/_}_writes" '%s' "$(since "$written" "$start")"
  cpu_snapshot >"$RD/cpu.$ns.1"
  sample_load
  api_requests >"$RD/api.$ns.1"
}

# ---------------------------------------------------------------- floor + kiln
# round R: a fresh control plane; the floor, kiln, the floor again. Files in
# $DIR/round-R; the operator is left running (OP_PID) on its cluster.
round() {
  local r=$1
  RD="$DIR/round-$r"
  mkdir -p "$RD"
  log "control plane $r: floor and kiln, $N services (round $r of $ROUNDS)"
  cluster_up "kiln-$r" "$nodes"
  k apply --server-side -f "$ROOT/crds/" >/dev/null
  k wait --for=condition=Established crd --all --timeout=60s >/dev/null
  k create namespace bench >/dev/null
  ready_model_and_environment bench

  # The floor runs before kiln and again after it: a phase on this apiserver is
  # slower the more services the phases before it left behind (a second floor
  # right after the first took 1.12-1.17x as long), so kiln, run second, is
  # compared with the mean of the floor before it (on an empty cluster) and
  # the floor after it (behind kiln's and the first floor's services).
  run_floor floor

  log "kiln: $N InferenceServices created (not timed), then kiln-operator starts"
  services 1 "$N" >"$RD/services.json"
  $BULK apply "$KUBECONFIG" "$RD/services.json" --threads "$WORKERS" --field-manager bench
  api_requests >"$RD/api.kiln.0"
  METRICS_PORT=$(free_port)
  PROBE_PORT=$(free_port)
  $BULK wait "$KUBECONFIG" kiln bench "$N" >"$RD/kiln.end" &
  WAITER=$!
  # Not timed against the floor: when kiln's Deployments were all rolled out,
  # to tell the rollouts' time from the time kiln took to report them.
  $BULK wait "$KUBECONFIG" deployments bench "$N" >"$RD/kiln.rolled" &
  ROLLED=$!
  sleep 1
  sample_load
  kstart=$(now)
  "$OPERATOR" --kubeconfig "$KUBECONFIG" --namespace bench --no-leader-elect \
    --controllers inferenceservice --workers "$WORKERS" \
    --metrics-bind-address "127.0.0.1:$METRICS_PORT" \
    --health-probe-bind-address "127.0.0.1:$PROBE_PORT" >"$RD/operator.log" 2>&1 &
  OP_PID=$!
  PIDS+=("$OP_PID")
  cpu_snapshot >"$RD/cpu.kiln.0"
  wait "$WAITER" "$ROLLED"
  cpu_snapshot >"$RD/cpu.kiln.1"
  kiln=$(since "$(cat "$RD/kiln.end")" "$kstart")
  kiln_rolled=$(since "$(cat "$RD/kiln.rolled")" "$kstart")
  kiln_created=$(since "$(k -n bench get deployments -o jsonpath='{range .items[*]}{.metadata.creationTimestamp}{"\n"}{end}' |
    sort | tail -1 | xargs -I{} date -d {} +%s)" "$kstart")
  sample_load
  api_requests >"$RD/api.kiln.1"
  measure_converged kiln "$OP_PID" "$METRICS_PORT"
  memory_breakdown "$METRICS_PORT" >"$RD/memory.txt" || true
  # Kiln's Events are paced (50 a second after a burst of 100) and may trail
  # the Ready writes: how many it wrote, and when the last one was created.
  read -r kiln_events kiln_last_event < <(k -n bench get events.events.k8s.io -o json | python3 -c '
import datetime, json, sys
ts = [e["metadata"]["creationTimestamp"] for e in json.load(sys.stdin)["items"]
      if e.get("reportingController", "").startswith("kiln.dev/")]
last = max(ts) if ts else "1970-01-01T00:00:00Z"
print(len(ts), datetime.datetime.fromisoformat(last.replace("Z", "+00:00")).timestamp())')
  kiln_last_event=$(since "$kiln_last_event" "$kstart")
  run_floor floor-after
  floor=$(echo "($floor_floor + $floor_floor_after) / 2" | bc -l)
  log "floor $floor_floor s before kiln, $floor_floor_after s after, kiln $kiln s (last Deployment created at ~$kiln_created s, all rolled out at $kiln_rolled s)"

  echo "CPU seconds during the floor ($floor_floor s): $(cpu_delta "$RD/cpu.floor.0" "$RD/cpu.floor.1")"
  echo "CPU seconds during kiln ($kiln s): $(cpu_delta "$RD/cpu.kiln.0" "$RD/cpu.kiln.1")"
  echo "CPU seconds during the floor after kiln ($floor_floor_after s): $(cpu_delta "$RD/cpu.floor-after.0" "$RD/cpu.floor-after.1")"
  echo "API requests during the floor (top 12 of $(api_delta "$RD/api.floor.0" "$RD/api.floor.1" | awk '{s+=$1} END {print s}')):"
  api_delta "$RD/api.floor.0" "$RD/api.floor.1" | head -12 | sed 's/^/  /'
  echo "API requests during kiln (top 12 of $(api_delta "$RD/api.kiln.0" "$RD/api.kiln.1" | awk '{s+=$1} END {print s}')):"
  api_delta "$RD/api.kiln.0" "$RD/api.kiln.1" | head -12 | sed 's/^/  /'
  round_ratios+=("$(ratio "$kiln" "$floor")")
  log "round $r: kiln $kiln s against the floor $floor s (before $floor_floor s, after $floor_floor_after s): ${round_ratios[-1]}"
}
ratio() { printf "%.2f" "$(echo "$1 / $2" | bc -l)"; }
round_ratios=()
for r in $(seq 1 "$ROUNDS"); do
  round "$r"
  [[ $r == "$ROUNDS" ]] && break
  kill "$OP_PID"
  wait "$OP_PID" 2>/dev/null || true
  cluster_down
done

# ---------------------------------------------------------------- LARGE
if [[ $LARGE -gt $N ]]; then
  log "large: kube-controller-manager stopped; $((LARGE - N)) more services"
  kill "$(awk '$1 == "kube-controller-manager" {print $2}' "$CLUSTER/pids")"
  services $((N + 1)) "$LARGE" >"$DIR/services-large.json"
  lstart=$(now)
  $BULK apply "$KUBECONFIG" "$DIR/services-large.json" --threads $((2 * WORKERS)) --field-manager bench
  $BULK wait "$KUBECONFIG" deployments bench "$LARGE" --exist >/dev/null
  python3 - $((N + 1)) "$LARGE" >"$DIR/rolled-out.json" <<'PY'
import json, sys
available = [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
              "message": "Deployment has minimum availability."},
             {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
              "message": "ReplicaSet has successfully progressed."}]
items = [{"apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": {"name": f"svc-{i}", "namespace": "bench"},
          "status": {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1,
                     "readyReplicas": 1, "availableReplicas": 1, "conditions": available}}
         for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1)]
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
  $BULK status "$KUBECONFIG" "$DIR/rolled-out.json" --threads $((2 * WORKERS))
  large_end=$($BULK wait "$KUBECONFIG" kiln bench "$LARGE")
  large=$(since "$large_end" "$lstart")
  sample_load
  measure_converged large "$OP_PID" "$METRICS_PORT"
  memory_breakdown "$METRICS_PORT" >"$DIR/memory-large.txt" || true
  log "large: $LARGE Ready after $large s"
fi
kill "$OP_PID"
wait "$OP_PID" 2>/dev/null || true
cluster_down

# ---------------------------------------------------------------- KServe
if [[ $KSERVE != 0 ]]; then
  log "a fresh control plane: KServe's controller, $N services"
  cluster_up kserve "$nodes"
  KSRC=$(cd "$HERE/kserve" && go list -m -f '{{.Dir}}' github.com/kserve/kserve)
  for f in "$KSRC"/config/crd/full/serving.kserve.io_*.yaml; do k apply --server-side -f "$f" >/dev/null; done
  k wait --for=condition=Established crd --all --timeout=60s >/dev/null
  k create namespace kserve >/dev/null
  k create namespace bench >/dev/null
  python3 - "$KSRC/config/configmap/inferenceservice.yaml" <<'PY' | k apply -f - >/dev/null
import json, sys, yaml
cm = yaml.safe_load(open(sys.argv[1]))
cm["data"].pop("_example", None)
cm["data"]["deploy"] = json.dumps({"defaultDeploymentMode": "RawDeployment"})
print(yaml.safe_dump(cm))
PY
  sed 's|image: kserve-sklearnserver:replace|image: kserve/sklearnserver:v0.16.0|' \
    "$KSRC/config/runtimes/kserve-sklearnserver.yaml" | k apply -f - >/dev/null
  python3 - "$N" >"$DIR/kserve-services.json" <<'PY'
import json, sys
small = {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}}
items = [{"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
          "metadata": {"name": f"svc-{i}", "namespace": "bench",
                       "annotations": {"serving.kserve.io/deploymentMode": "RawDeployment"}},
          "spec": {"predictor": {"model": {"modelFormat": {"name": "sklearn"},
                                           "storageUri": "gs://kfserving-examples/models/sklearn/1.0/model",
                                           "resources": small}}}}
         for i in range(1, int(sys.argv[1]) + 1)]
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
  log "kserve: $N InferenceServices created (not timed), then its manager starts"
  $BULK apply "$KUBECONFIG" "$DIR/kserve-services.json" --threads "$WORKERS" --field-manager bench
  # Its webhook server cannot be turned off: a self-signed certificate, on loopback.
  mkdir -p "$DIR/kserve-tmp/k8s-webhook-server/serving-certs"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$DIR/kserve-tmp/k8s-webhook-server/serving-certs/tls.key" \
    -out "$DIR/kserve-tmp/k8s-webhook-server/serving-certs/tls.crt" >/dev/null 2>&1
  KS_METRICS=$(free_port)
  KS_PROBE=$(free_port)
  KS_WEBHOOK=$(free_port)
  $BULK wait "$KUBECONFIG" kserve bench "$N" >"$DIR/kserve.end" &
  WAITER=$!
  sleep 1
  sample_load
  sstart=$(now)
  TMPDIR="$DIR/kserve-tmp" POD_NAMESPACE=kserve KUBECONFIG="$KUBECONFIG" "$KSERVE_MANAGER" \
    --leader-elect=false --metrics-addr "127.0.0.1:$KS_METRICS" \
    --health-probe-addr "127.0.0.1:$KS_PROBE" --webhook-port "$KS_WEBHOOK" >"$DIR/kserve.log" 2>&1 &
  KS_PID=$!
  PIDS+=("$KS_PID")
  wait "$WAITER"
  kserve=$(since "$(cat "$DIR/kserve.end")" "$sstart")
  sample_load
  measure_converged kserve "$KS_PID" "$KS_METRICS"
  kill "$KS_PID"
  wait "$KS_PID" 2>/dev/null || true
  cluster_down
  log "kserve $kserve s"
fi

# ---------------------------------------------------------------- results
echo
echo "$N InferenceServices to Ready; machine: $(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
  "load average at the phases' starts and ends: ${LOADS[*]}"
echo
echo "| | time to Ready | x floor | RSS after / +${IDLE} s idle | CPU s | reconciles | reconciles in ${IDLE} s idle |"
echo "|---|---|---|---|---|---|---|"
printf '| floor before kiln (bare client, %d at a time; writes took %.1f s) | %.1f s | %s | | | | |\n' \
  "$WORKERS" "$floor_floor_writes" "$floor_floor" "$(ratio "$floor_floor" "$floor")"
printf '| floor after kiln (the same, behind %d more services; writes took %.1f s) | %.1f s | %s | | | | |\n' \
  $((2 * N)) "$floor_floor_after_writes" "$floor_floor_after" "$(ratio "$floor_floor_after" "$floor")"
printf '| **floor** (the mean of the two) | %.1f s | 1.00 | | | | |\n' "$floor"
printf '| kiln-operator (%d workers; last child created at ~%.0f s, rollouts done at %.1f s) | %.1f s | **%s** | %s / %s MB | %s | %s | %s |\n' \
  "$WORKERS" "$kiln_created" "$kiln_rolled" "$kiln" "$(ratio "$kiln" "$floor")" "$kiln_rss" "$kiln_rss_idle" "$kiln_cpu" "$kiln_total" "$kiln_idle"
if [[ $KSERVE != 0 ]]; then
  printf '| KServe v0.16.0 manager (RawDeployment, a control plane of its own) | %.1f s | %s | %s / %s MB | %s (%s after idle) | %s | %s |\n' \
    "$kserve" "$(ratio "$kserve" "$floor")" "$kserve_rss" "$kserve_rss_idle" "$kserve_cpu" "$kserve_cpu_idle" "$kserve_total" "$kserve_idle"
fi
echo
printf 'kiln against the floor in each of %d rounds: %s; median **%s** (target: at most 1.25)\n' \
  "$ROUNDS" "${round_ratios[*]}" "$(printf '%s\n' "${round_ratios[@]}" | sort -n |
    awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : sprintf("%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2))}')"
echo "The table and the lines below are round $ROUNDS's."
printf 'kiln-operator wrote %s Events; the last was created ~%.0f s after its start (Ready at %.1f s)\n' \
  "$kiln_events" "$kiln_last_event" "$kiln"
printf 'kiln vs the floor before it: %s; vs the floor after it: %s; vs their mean: %s (target: at most 1.25)\n' \
  "$(ratio "$kiln" "$floor_floor")" "$(ratio "$kiln" "$floor_floor_after")" "$(ratio "$kiln" "$floor")"
echo "kiln-operator with $N services, after ${IDLE} s idle (round $ROUNDS): $(cat "$RD/memory.txt")"
if [[ $KSERVE != 0 ]]; then
  printf 'kiln vs KServe: %sx faster, %s of its RSS, %s of its CPU seconds\n' \
    "$(ratio "$kserve" "$kiln")" "$(ratio "$kiln_rss" "$kserve_rss")" "$(ratio "$kiln_cpu" "$kserve_cpu")"
fi
if [[ $LARGE -gt $N ]]; then
  echo
  printf 'kiln-operator with %d InferenceServices and their children cached (%d more Ready %.1f s after creation began):\n' \
    "$LARGE" $((LARGE - N)) "$large"
  printf '  RSS %s MB (peak %s MB, %s MB after %d s idle), CPU %s s in all, reconciles %s, in %d s idle: %s\n' \
    "$large_rss" "$large_hwm" "$large_rss_idle" "$IDLE" "$large_cpu" "$large_total" "$IDLE" "$large_idle"
  sed 's/^/  /' "$DIR/memory-large.txt"
fi
echo "logs: $DIR"
