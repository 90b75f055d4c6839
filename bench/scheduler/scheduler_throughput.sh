#!/usr/bin/env bash
# Accelerator pods scheduled per second by the real kube-scheduler (v1.35) on
# KWOK nodes: the kiln-scheduler configuration with the extender against the
# same binary and configuration without it, in one run, on one control plane
# of the benchmark's own.
#
# NODES KWOK nodes (A100 ×4 each) are created; each round creates PODS 1-GPU
# pods (kiln.dev/gpu-product A100) for one scheduler while that scheduler is
# stopped, then starts it and reads its own counter
# scheduler_schedule_attempts_total{result="scheduled"} until every pod is
# placed: the rate is taken between 10% and 90% placed (start-up excluded).
# Rounds alternate (without, with, without, with); pods are deleted between rounds.
#
#   bench/scheduler/scheduler_throughput.sh
# Env: NODES (default 1000), PODS (default 1000), ROUNDS (default 2), QPS (default 500),
#      BUILD_DIR, KEEP=1.
. "$(dirname "$0")/common.sh"
nodes=${NODES:-1000}
pods=${PODS:-1000}
rounds=${ROUNDS:-2}
qps=${QPS:-500}

bench_up throughput
bench_log "creating $nodes KWOK nodes"
bench_nodes --prefix kwok-bench- --to "$nodes" --mix gpu --kwok | bench_create
until [ "$(bench_kubectl get nodes --no-headers | awk '$2 == "Ready"' | wc -l)" -ge "$nodes" ]; do
  sleep 1
done
bench_log "$nodes nodes Ready"

scheduled() {  # scheduled STATE: the scheduler's count of pods it placed
  local url
  url=$(sed -n 's/^SCHEDULER_URL=//p' "$1/env")
  curl -sk --max-time 2 --cacert "$bench_dir/cluster/pki/ca.crt" \
    --cert "$bench_dir/cluster/pki/admin.crt" --key "$bench_dir/cluster/pki/admin.key" \
    "$url/metrics" |
    awk '/^scheduler_schedule_attempts_total/ && /result="scheduled"/ { s += $2 } END { print s + 0 }'
}

now() { date +%s.%N; }

# one_round LABEL NAME HARNESS_ARGS...: prints the pods/s of this round.
one_round() {
  local label=$1 name=$2 ns="bench-$1-$RANDOM"
  shift 2
  local state="$bench_dir/$label"
  bench_wait_ns "$ns"
  bench_pods --prefix p- --count "$pods" --scheduler "$name" --product A100 |
    bench_kubectl -n "$ns" create -f - >/dev/null
  bench_scheduler "$state" --name "$name" --qps "$qps" "$@"
  local lo=$((pods / 10)) hi=$((pods * 9 / 10)) n t_lo="" t_hi="" start
  start=$(now)
  while :; do
    n=$(scheduled "$state")
    [ -z "$t_lo" ] && [ "$n" -ge "$lo" ] && t_lo=$(now)
    if [ "$n" -ge "$hi" ]; then t_hi=$(now); break; fi
    if [ "$(echo "$(now) - $start > 300" | bc)" = 1 ]; then
      bench_log "$label: only $n of $pods placed after 300 s"; break
    fi
    sleep 0.1
  done
  until [ "$(bench_bound "$ns")" -ge "$pods" ]; do sleep 0.5; done
  "$harness" down --state "$state"
  local rate
  rate=$(echo "scale=1; ($hi - $lo) / ($t_hi - $t_lo)" | bc)
  bench_log "$label: $rate pods/s ($lo..$hi placed in $(echo "$t_hi - $t_lo" | bc) s)"
  bench_kubectl delete namespace "$ns" --wait=true >/dev/null
  echo "$rate"
}

echo "kiln-scheduler throughput: $nodes KWOK nodes (A100 x4), $pods 1-GPU pods per round, $(nproc) cores, qps $qps, $(date -u +%FT%TZ), commit $(git -C "$repo" rev-parse --short HEAD)"
without=() with=()
for r in $(seq 1 "$rounds"); do
  without+=("$(one_round "without-$r" kiln-noext --no-extender)")
  with+=("$(one_round "with-$r" kiln-scheduler)")
done
printf '%-28s %s\n' "round" "pods/s without extender | with extender | ratio"
for i in "${!with[@]}"; do
  printf '%-28s %s | %s | %s%%\n' "$((i + 1))" "${without[$i]}" "${with[$i]}" \
    "$(echo "scale=0; 100 * ${with[$i]} / ${without[$i]}" | bc)"
done
sum_without=$(IFS=+; echo "${without[*]}" | bc) sum_with=$(IFS=+; echo "${with[*]}" | bc)
echo "overall: with/without = $(echo "scale=0; 100 * $sum_with / $sum_without" | bc)%"
