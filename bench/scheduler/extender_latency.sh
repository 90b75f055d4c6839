#!/usr/bin/env bash
# The extender alone: filter and prioritize latency (p50/p99) with 500, 1,000
# and 5,000 nodes in its cache. Nodes (a mix: A100 ×4, T4 ×2, MIG 1g.5gb ×7,
# FPGA U250 ×2) and pods bound to half of them are created through the API of
# a control plane of the benchmark's own, so the extender's caches are the real
# informer caches. Each request names every node (as kube-scheduler does with
# percentageOfNodesToScore 100; by default it sends fewer), for three pods: a
# 1-GPU A100 pod, an FPGA pod with a bitstream, and a pod without accelerators.
# Then again with as many names as kube-scheduler sends by default: it stops
# looking for feasible nodes after numFeasibleNodesToFind (adaptive
# percentageOfNodesToScore: max(5, 50 - nodes/125) %, at least 100), so at
# 5,000 nodes the extender is asked about 500 of them.
#
#   bench/scheduler/extender_latency.sh [SIZES...]    (default: 500 1000 5000)
# Env: BUILD_DIR (default build), CYCLES (default 300), KEEP=1 keeps the state dir.
. "$(dirname "$0")/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 1000 5000)
client="$build/bench/scheduler/extender_latency_bench"
[ -x "$client" ] || { echo "build extender_latency_bench first ($client)" >&2; exit 1; }

bench_up latency
bench_wait_ns bench
bench_scheduler "$bench_dir/kiln"
. "$bench_dir/kiln/env"
base_nodes=$(bench_kubectl get nodes --no-headers | wc -l)

cache_nodes() {
  curl -sf "$EXTENDER_URL/metrics" | awk '$1 == "kiln_scheduler_extender_cache_nodes" { print $2 }'
}

cycles=${CYCLES:-300}
# kube-scheduler's numFeasibleNodesToFind with the default percentageOfNodesToScore.
feasible_nodes() {
  local n=$1 pct
  [ "$n" -lt 100 ] && { echo "$n"; return; }
  pct=$((50 - n / 125))
  [ "$pct" -lt 5 ] && pct=5
  local k=$((n * pct / 100))
  [ "$k" -lt 100 ] && k=100
  echo "$k"
}
extender_pid=$(awk '$1 == "extender" { print $2 }' "$bench_dir/kiln/pids")
extender_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$extender_pid/stat"; }

have=0
echo "kiln-scheduler-extender latency, $(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1 /proc/loadavg), commit $(git -C "$repo" rev-parse --short HEAD)"
for n in "${sizes[@]}"; do
  if [ "$n" -gt "$have" ]; then
    bench_log "creating nodes $have..$n and $(((n - have) / 2)) bound pods"
    bench_nodes --prefix bench-node- --from "$have" --to "$n" --mix mixed | bench_create
    bench_pods --prefix "s$n-" --count $(((n - have) / 2)) --gpus 1 --bind-prefix bench-node- \
      --bind-count "$n" | bench_kubectl -n bench create -f - >/dev/null
    have=$n
  fi
  until [ "$(cache_nodes | cut -d. -f1)" -ge $((n + base_nodes)) ]; do sleep 0.5; done
  python3 -c "import sys; [print(f'bench-node-{i:05d}') for i in range($n)]" >"$bench_dir/names"
  echo
  echo "== $n nodes in the extender's cache ($(curl -sf "$EXTENDER_URL/metrics" |
    awk '$1 == "kiln_scheduler_extender_cache_pods" { print $2 }') bound pods)"
  before=$(extender_cpu_ticks)
  nice "$client" --url "$EXTENDER_URL" --nodes "$bench_dir/names" --cycles "$cycles"
  after=$(extender_cpu_ticks)
  # CPU the extender spent per filter+prioritize cycle: unlike wall time, it
  # does not grow with what else the machine is running.
  echo "extender CPU per filter+prioritize cycle: $(echo "scale=3; ($after - $before) * 1000 / $(getconf CLK_TCK) / (3 * ($cycles + 20))" | bc) ms (load average $(cut -d' ' -f1 /proc/loadavg))"
  k=$(feasible_nodes "$n")
  if [ "$k" -lt "$n" ]; then
    echo "-- the same cache, $k names per request (what kube-scheduler sends at $n nodes)"
    head -n "$k" "$bench_dir/names" >"$bench_dir/names.feasible"
    nice "$client" --url "$EXTENDER_URL" --nodes "$bench_dir/names.feasible" --cycles "$cycles"
  fi
done
echo
echo "extender RSS: $(ps -o rss= -p "$extender_pid") KiB"
