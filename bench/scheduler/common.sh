# Shared by the scheduler benchmarks (sourced): a control plane of the
# benchmark's own, niced, and a trap that stops everything started here.
#   bench_up NAME            start tests/cluster/cluster.sh in a fresh directory
#   bench_kubectl ARGS...    kubectl against it
#   bench_nodes ARGS...      print a List of Nodes (make_objects.py nodes ...)
#   bench_pods ARGS...       print a List of Pods (make_objects.py pods ...)
set -euo pipefail
bench_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_here/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
extender_bin="$build/scheduler/kiln-scheduler-extender"
harness="$repo/tests/cluster/kiln_scheduler.sh"
bench_dir=""
bench_states=()

bench_log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

bench_cleanup() {
  local s
  for s in "${bench_states[@]}"; do "$harness" down --state "$s" 2>/dev/null || true; done
  [ -z "$bench_dir" ] || "$repo/tests/cluster/cluster.sh" down --dir "$bench_dir/cluster" || true
  [ -z "$bench_dir" ] || [ -n "${KEEP:-}" ] || rm -rf "$bench_dir"
}

bench_up() {
  [ -x "$extender_bin" ] || { echo "build kiln-scheduler-extender first ($extender_bin)" >&2; exit 1; }
  bench_dir=$(mktemp -d "${TMPDIR:-/tmp}/kiln-bench-$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  bench_log "control plane in $bench_dir/cluster"
  nice "$repo/tests/cluster/cluster.sh" up --dir "$bench_dir/cluster" --watch-parent
  eval "$("$repo/tests/cluster/cluster.sh" env --dir "$bench_dir/cluster")"
  # The benchmark's processes run niced, like the control plane.
  renice -n 10 $(awk '{ print $2 }' "$bench_dir/cluster/pids") >/dev/null 2>&1 || true
}

bench_kubectl() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }

# bench_scheduler STATE [harness up args...]: starts a second scheduler, niced.
bench_scheduler() {
  local state=$1
  shift
  bench_states+=("$state")
  nice "$harness" up --dir "$bench_dir/cluster" --state "$state" --extender "$extender_bin" "$@"
  local n pid
  while read -r n pid; do renice -n 10 "$pid" >/dev/null 2>&1 || true; done <"$state/pids"
}

bench_nodes() { python3 "$bench_here/make_objects.py" nodes "$@"; }
bench_pods() { python3 "$bench_here/make_objects.py" pods "$@"; }

# bench_create: kubectl create -f - of a List on stdin, quietly.
bench_create() { bench_kubectl create -f - >/dev/null; }

# bench_wait_ns NS: the namespace exists and has its default ServiceAccount.
bench_wait_ns() {
  bench_kubectl create namespace "$1" >/dev/null
  until bench_kubectl -n "$1" get serviceaccount default >/dev/null 2>&1; do sleep 0.2; done
}

# bench_bound NS: how many pods of the namespace are bound to a node.
bench_bound() {
  bench_kubectl -n "$1" get pods -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' |
    grep -c . || true
}
