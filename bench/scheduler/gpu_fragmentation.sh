#!/usr/bin/env bash
# GPU fragmentation: the same fixed, mixed sequence of 1-, 2- and 4-GPU pods
# placed on the same fixed set of GPU nodes (8 KWOK nodes, A100 ×4 each) by the
# default scheduler and by kiln-scheduler (kube-scheduler + the extender); then
# how many 4-GPU pods still fit. Pods are created one at a time, each waited
# for until bound, so both schedulers see every earlier placement. "Still fit"
# is counted twice: from the placement (whole free nodes) and by creating 4-GPU
# pods with the same scheduler until they stop being placed.
#
# Pods ask for CPU and memory in proportion to their GPUs (4 CPUs and 16 GiB
# per GPU, nodes have 64 and 512 GiB), as inference pods do; REQUESTS=tiny
# makes them ask 10m / 16Mi instead, which leaves the default scheduler's
# CPU/memory scores tied.
#
#   bench/scheduler/gpu_fragmentation.sh
# Env: SEQUENCE (default "1 2 1 1 4 2 1 1 2 1 4"), REQUESTS (proportional | tiny),
#      BUILD_DIR, KEEP=1.
. "$(dirname "$0")/common.sh"
read -r -a sequence <<<"${SEQUENCE:-1 2 1 1 4 2 1 1 2 1 4}"
pool_nodes=8
requests=${REQUESTS:-proportional}
host_flag=()
[ "$requests" = tiny ] || host_flag=(--host-per-gpu)

bench_up fragmentation
bench_nodes --prefix frag- --to "$pool_nodes" --mix gpu --kwok --label pool=frag | bench_create
until [ "$(bench_kubectl get nodes -l pool=frag --no-headers | awk '$2 == "Ready"' | wc -l)" -ge "$pool_nodes" ]; do
  sleep 0.5
done
bench_scheduler "$bench_dir/kiln"

# place NS SCHEDULER PREFIX GPUS...: one pod per entry, each bound before the
# next; stops at the first pod not placed within 20 s.
place() {
  local ns=$1 scheduler=$2 prefix=$3 i=0 g start
  shift 3
  for g in "$@"; do
    bench_pods --prefix "$prefix$i-" --count 1 --gpus "$g" --scheduler "$scheduler" \
      --selector pool=frag "${host_flag[@]}" | bench_kubectl -n "$ns" create -f - >/dev/null
    start=$SECONDS
    until [ -n "$(bench_kubectl -n "$ns" get pod "$prefix$i-00000" -o jsonpath='{.spec.nodeName}')" ]; do
      sleep 0.2
      if [ $((SECONDS - start)) -ge 20 ]; then
        bench_log "$prefix$i ($g GPUs) not placed by $scheduler"
        return 0
      fi
    done
    i=$((i + 1))
  done
}

# free_per_node NS: "node free-GPUs" for every pool node.
free_per_node() {
  bench_kubectl -n "$1" get pods -o json | python3 -c '
import json, sys
used = {}
for p in json.load(sys.stdin)["items"]:
    n = p["spec"].get("nodeName")
    if n:
        used[n] = used.get(n, 0) + int(p["spec"]["containers"][0]["resources"]["requests"].get("nvidia.com/gpu", "0"))
for i in range('"$pool_nodes"'):
    n = f"frag-{i:05d}"
    print(n, 4 - used.get(n, 0))'
}

run() {  # run LABEL SCHEDULER
  local label=$1 scheduler=$2 ns="frag-$1"
  bench_wait_ns "$ns"
  place "$ns" "$scheduler" seq- "${sequence[@]}"
  local layout fit
  layout=$(free_per_node "$ns")
  fit=$(echo "$layout" | awk '{ s += int($2 / 4) } END { print s }')
  place "$ns" "$scheduler" four- 4 4 4 4 4 4 4 4
  local placed
  placed=$(bench_kubectl -n "$ns" get pods -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName}{"\n"}{end}' |
    awk '$1 ~ /^four-/ && $2 != ""' | wc -l)
  printf '%-16s %-22s %-12s %s\n' "$label" "$(echo "$layout" | awk '{ printf "%s ", $2 }')" "$fit" "$placed"
  bench_kubectl delete namespace "$ns" --wait=true >/dev/null
}

echo "GPU fragmentation: ${#sequence[@]} pods asking for ${sequence[*]} GPUs ($(echo "${sequence[@]}" | tr ' ' + | bc) of $((4 * pool_nodes))) on $pool_nodes A100x4 KWOK nodes, $requests CPU/memory requests, $(date -u +%FT%TZ), commit $(git -C "$repo" rev-parse --short HEAD)"
printf '%-16s %-22s %-12s %s\n' scheduler "free GPUs per node" "4-GPU fit" "4-GPU placed"
run default default-scheduler
run kiln-scheduler kiln-scheduler
