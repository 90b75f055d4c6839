#!/usr/bin/env bash
# The second scheduler on the local control plane (tests/cluster/cluster.sh):
# the cluster's own kube-scheduler binary (v1.35, from build.sh --print) with
# manifests/scheduler/kiln-scheduler-config.yaml, and kiln-scheduler-extender
# as a process.
#
#   kiln_scheduler.sh config --dir CLUSTER --url URL [--no-extender] [--name NAME]
#       print the configuration rendered for this cluster (kubeconfig, extender
#       URL; NAME replaces the profile and Lease name, default kiln-scheduler)
#   kiln_scheduler.sh up --dir CLUSTER --extender BIN [--state DIR] [--no-extender] [--name NAME]
#                        [--qps N]
#       start the extender (unless --no-extender) and kube-scheduler; wait until both serve
#       (--qps: kube-scheduler's API rate, burst twice that; default the config's 50)
#   kiln_scheduler.sh down [--state DIR]     stop both
#   kiln_scheduler.sh env [--state DIR]      EXTENDER_URL=..., SCHEDULER_NAME=... lines
#
# STATE defaults to CLUSTER/kiln-scheduler (logs, pids, rendered config).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
config_src="$here/../../manifests/scheduler/kiln-scheduler-config.yaml"

command=${1:-}
[ $# -gt 0 ] && shift
cluster="" state="" extender="" url="" name=kiln-scheduler with_extender=true qps=""
while [ $# -gt 0 ]; do
  case $1 in
    --dir) cluster=$(realpath -m "$2"); shift 2 ;;
    --state) state=$(realpath -m "$2"); shift 2 ;;
    --extender) extender=$(realpath "$2"); shift 2 ;;
    --url) url=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --no-extender) with_extender=false; shift ;;
    --qps) qps=$2; shift 2 ;;
    *) echo "kiln_scheduler.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$state" ] || state="$cluster/kiln-scheduler"

log() { echo "kiln-scheduler: $*" >&2; }
die() { log "$*"; exit 1; }

free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

render_config() {
  [ -f "$cluster/kubeconfig" ] || die "no control plane at $cluster (tests/cluster/cluster.sh up --dir $cluster)"
  local kc="$cluster/kubeconfig"
  awk -v kc="$kc" -v url="$url" -v name="$name" -v ext="$with_extender" -v qps="$qps" '
    /^extenders:/ && ext == "false" { exit }
    /^  qps:/ && qps != "" { print "  qps: " qps; next }
    /^  burst:/ && qps != "" { print "  burst: " (2 * qps); next }
    /^  kubeconfig:/ { print "  kubeconfig: " kc; next }
    /^  resourceNamespace:/ { print "  resourceNamespace: kube-system"; next }
    /^  resourceName:/ { print "  resourceName: " name; next }
    /schedulerName: kiln-scheduler/ { sub(/kiln-scheduler/, name) }
    /urlPrefix:/ { sub(/http:\/\/[^ ]*/, url) }
    { print }
  ' "$config_src"
}

stop_pid() {
  local pid=$1 i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do alive "$pid" || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_down() {
  [ -f "$state/pids" ] || return 0
  local n pid
  while read -r n pid; do stop_pid "$pid"; done <"$state/pids"
  rm -f "$state/pids" "$state/env"
  log "down ($state)"
}

wait_http() {  # wait_http SECONDS URL [curl options]
  local limit=$1 u=$2 start=$SECONDS
  shift 2
  until curl -sf "$@" --max-time 2 "$u" >/dev/null 2>&1; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      tail -n 20 "$state"/*.log >&2 || true
      die "timed out waiting for $u"
    fi
    sleep 0.2
  done
}

cmd_up() {
  [ -n "$cluster" ] || die "--dir CLUSTER is required"
  cmd_down
  mkdir -p "$state"
  local bins ports
  bins=$("$here/build.sh" --print) || die "control plane binaries missing (tests/cluster/build.sh)"
  local scheduler_bin
  scheduler_bin=$(echo "$bins" | sed -n 's/^KUBE_SCHEDULER=//p')
  read -r -a ports <<<"$(free_ports 2)"
  url="http://127.0.0.1:${ports[0]}"
  render_config >"$state/config.yaml"
  : >"$state/pids"
  if $with_extender; then
    [ -x "$extender" ] || die "--extender BIN is required (build/scheduler/kiln-scheduler-extender)"
    setsid "$extender" --kubeconfig "$cluster/kubeconfig" --address 127.0.0.1 --port "${ports[0]}" \
      </dev/null >>"$state/extender.log" 2>&1 &
    echo "extender $!" >>"$state/pids"
    wait_http 60 "$url/readyz"
  fi
  setsid "$scheduler_bin" --config="$state/config.yaml" \
    --authentication-kubeconfig="$cluster/kubeconfig" --authorization-kubeconfig="$cluster/kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="${ports[1]}" \
    </dev/null >>"$state/kube-scheduler.log" 2>&1 &
  echo "kube-scheduler $!" >>"$state/pids"
  wait_http 60 "https://127.0.0.1:${ports[1]}/healthz" -k
  cat >"$state/env" <<ENV
EXTENDER_URL=$url
SCHEDULER_NAME=$name
SCHEDULER_URL=https://127.0.0.1:${ports[1]}
ENV
  log "up: scheduler $name$($with_extender && echo " with extender at $url")"
}

case $command in
  config)
    [ -n "$url" ] || url=http://127.0.0.1:8888
    render_config ;;
  up) cmd_up ;;
  down) cmd_down ;;
  env) cat "$state/env" ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
