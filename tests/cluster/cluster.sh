#!/usr/bin/env bash
# A local Kubernetes control plane made of the real components, on loopback:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and KWOK
# simulating nodes (plain, GPU, FPGA, edge) and the pods that run on them.
#
#   cluster.sh up [--dir DIR] [--watch-parent] [--real-node]
#                                                start (building binaries once), wait until usable
#   cluster.sh down [--dir DIR]                  stop everything, leave no process behind
#   cluster.sh env [--dir DIR]                   print `export KUBECONFIG=...` lines to eval
#   cluster.sh status [--dir DIR]                components and nodes
#   cluster.sh restart-apiserver [--dir DIR]     stop kube-apiserver and start it again
#
# DIR defaults to $KILN_CACHE/cluster/default. --watch-parent tears the cluster
# down when the calling process exits, so an interrupted test run leaves nothing.
# --real-node adds one real node (kubelet, containerd, kube-proxy) that runs
# containers, tainted kiln.dev/real-node=true:NoSchedule: see real_node.sh
# (root only; one per machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/paths.sh"
. "$here/node/settings.sh"

command=${1:-}
[ $# -gt 0 ] && shift
dir="$KILN_CACHE/cluster/default"
watch_parent=false
real_node=false
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --watch-parent) watch_parent=true; shift ;;
    --real-node) real_node=true; shift ;;
    *) echo "cluster.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
dir=$(realpath -m "$dir")
pki="$dir/pki"
logs="$dir/logs"
pids="$dir/pids"

log() { echo "cluster: $*" >&2; }
die() { log "$*"; exit 1; }

. "$here/processes.sh"

# --- certificates and kubeconfig ------------------------------------------

make_pki() {
  mkdir -p "$pki"
  local o="-days 365"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" $o \
    -subj /CN=kiln-test-ca 2>/dev/null
  sign() {  # sign NAME SUBJECT EXTENSIONS
    openssl req -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2" 2>/dev/null
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
      -out "$pki/$1.crt" $o -extfile <(printf '%s\n' "$3") 2>/dev/null
  }
  sign apiserver /CN=kube-apiserver \
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  # system:masters: the admin identity every component and test uses here.
  sign admin "/O=system:masters/CN=kiln-admin" "extendedKeyUsage=clientAuth"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

write_kubeconfig() {  # write_kubeconfig URL
  cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kiln-test
  cluster:
    server: $1
    certificate-authority: $pki/ca.crt
users:
- name: kiln-admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: kiln-test
  context: {cluster: kiln-test, user: kiln-admin}
current-context: kiln-test
EOF
}

# --- components ------------------------------------------------------------

load_binaries() {
  local line
  while IFS= read -r line; do export "${line?}"; done < <("$here/build.sh")
}

api_get() {  # api_get PATH: GET against the apiserver as admin
  curl -sf --max-time 5 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "$APISERVER_URL$1"
}

start_apiserver() {
  start kube-apiserver "$KUBE_APISERVER" \
    --etcd-servers="$ETCD_URL" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=RBAC --allow-privileged=true \
    --kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --proxy-client-cert-file="$pki/admin.crt" --proxy-client-key-file="$pki/admin.key" \
    --endpoint-reconciler-type=none
  wait_until 180 "kube-apiserver /readyz" api_get /readyz
}

start_controller_manager() {
  local kc="$dir/kubeconfig"
  start kube-controller-manager "$KUBE_CONTROLLER_MANAGER" \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --kube-api-qps=200 --kube-api-burst=400 ${KILN_KCM_FLAGS:-}
  wait_until 60 "kube-controller-manager /healthz" curl -skf "https://127.0.0.1:$KCM_PORT/healthz"
}

cmd_up() {
  if [ -f "$dir/env" ] && alive "$(pid_of kube-apiserver)"; then
    log "already up ($dir); \`$0 down --dir $dir\` stops it"
    return 0
  fi
  "$0" down --dir "$dir" 2>/dev/null || true
  local began=$SECONDS
  load_binaries
  rm -rf "$dir" && mkdir -p "$logs"
  make_pki

  local ports
  read -r -a ports <<<"$(free_ports 5)"
  ETCD_URL="http://127.0.0.1:${ports[0]}"
  API_PORT=${ports[2]}
  APISERVER_URL="https://127.0.0.1:$API_PORT"
  write_kubeconfig "$APISERVER_URL"
  local kc="$dir/kubeconfig"

  if $watch_parent; then
    # Tear down when the caller (ctest, a shell) goes away, however it ends.
    start watchdog bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec "$2" down --dir "$3"' \
      watchdog "$PPID" "$here/cluster.sh" "$dir"
  fi

  log "starting etcd on $ETCD_URL"
  start etcd "$ETCD" --name kiln-test --data-dir "$dir/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:${ports[1]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${ports[1]}" \
    --initial-cluster "kiln-test=http://127.0.0.1:${ports[1]}" \
    --unsafe-no-fsync
  wait_until 60 "etcd health" curl -sf "$ETCD_URL/health"

  log "starting kube-apiserver on $APISERVER_URL"
  start_apiserver

  # The tests' Widget CRD goes in before kube-controller-manager starts: its
  # garbage collector maps a CRD installed later only at its next discovery
  # resync (every 30 s) and meanwhile retries an owner lookup with
  # exponential backoff, so a Widget's child would be collected 20, 41 or
  # 82 s after it appeared instead of at once.
  "$KUBECTL" --kubeconfig="$kc" apply -f "$here/../support/widget_crd.yaml" >/dev/null
  "$KUBECTL" --kubeconfig="$kc" wait --for=condition=Established --timeout=60s \
    crd/widgets.test.kiln.dev >/dev/null

  log "starting kube-controller-manager, kube-scheduler and kwok"
  KCM_PORT=${ports[3]}
  start_controller_manager
  start kube-scheduler "$KUBE_SCHEDULER" \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="${ports[4]}" --leader-elect=false
  start kwok "$KWOK" --kubeconfig="$kc" --config="$KWOK_STAGES" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr="$KWOK_POD_POOL" --node-ip="$KWOK_NODE_IP" --node-lease-duration-seconds=40
  wait_until 60 "kube-scheduler /healthz" curl -skf "https://127.0.0.1:${ports[4]}/healthz"

  cat >"$dir/env" <<EOF
export KILN_CLUSTER_DIR='$dir'
export KUBECONFIG='$kc'
export KUBECTL='$KUBECTL'
export APISERVER_URL='$APISERVER_URL'
export ETCD_URL='$ETCD_URL'
export KUBE_APISERVER='$KUBE_APISERVER'
export KUBE_CONTROLLER_MANAGER='$KUBE_CONTROLLER_MANAGER'
export HELM='$HELM'
export KCM_PORT='$KCM_PORT'
EOF

  log "creating KWOK nodes"
  wait_until 60 "the default namespace" api_get /api/v1/namespaces/default
  "$KUBECTL" --kubeconfig="$kc" apply -f "$here/nodes.yaml" >/dev/null
  wait_until 120 "all nodes Ready" nodes_ready
  wait_until 60 "the default service account" api_get /api/v1/namespaces/default/serviceaccounts/default
  if $real_node; then
    log "adding the real node"
    "$here/real_node.sh" up --dir "$dir"
  fi
  log "up in $((SECONDS - began)) s: $("$KUBE_APISERVER" --version), $(node_count) nodes; eval \"\$($0 env --dir $dir)\""
}

node_count() { "$KUBECTL" --kubeconfig="$dir/kubeconfig" get nodes --no-headers | wc -l; }

nodes_ready() {
  local want got
  want=$(grep -c '^kind: Node' "$here/nodes.yaml")
  got=$("$KUBECTL" --kubeconfig="$dir/kubeconfig" get nodes --no-headers 2>/dev/null | awk '$2 == "Ready"' | wc -l)
  [ "$got" -eq "$want" ]
}

cmd_down() {
  [ -d "$dir" ] || return 0
  # The real node first: its pods go while the control plane still runs.
  "$here/real_node.sh" down --dir "$dir" || log "the real node's cleanup failed"
  local name pid etcd="" targets=()
  # Every recorded process but the watchdog that may be running this very
  # command, and anything else still using this cluster's files (started
  # before its pid was recorded, or left by a crashed run). etcd goes last:
  # kube-apiserver shuts down promptly only while its storage still answers.
  if [ -f "$pids" ]; then
    while read -r name pid; do
      if [ "$name" = etcd ]; then etcd=$pid; else targets+=("$pid"); fi
    done <"$pids"
  fi
  for pid in $(pgrep -f -- "$dir/" || true); do [ "$pid" = "$etcd" ] || targets+=("$pid"); done
  local keep=()
  for pid in "${targets[@]}"; do
    [ "$pid" = $$ ] || [ "$pid" = "$PPID" ] || keep+=("$pid")
  done
  [ ${#keep[@]} -eq 0 ] || stop_pids "${keep[@]}"
  [ -z "$etcd" ] || stop_pids "$etcd"
  rm -rf "$dir/etcd" "$dir/env" "$pids"
  log "down ($dir)"
}

cmd_env() {
  [ -f "$dir/env" ] || die "no cluster at $dir: run \`$0 up --dir $dir\`"
  cat "$dir/env"
}

cmd_status() {
  cmd_env >/dev/null
  local name pid
  while read -r name pid; do
    printf '%-24s %s\n' "$name" "$(alive "$pid" && echo "running (pid $pid)" || echo stopped)"
  done <"$pids"
  . "$dir/env"
  "$KUBECTL" get nodes -L nvidia.com/gpu.product -L kiln.dev/edge
}

cmd_restart_apiserver() {
  cmd_env >/dev/null
  . "$dir/env"
  API_PORT=${APISERVER_URL##*:}
  stop_pids "$(pid_of kube-apiserver)"
  log "kube-apiserver stopped; starting it again"
  start_apiserver
  log "kube-apiserver back"
  # kube-controller-manager is started afresh too. After an apiserver restart
  # (and the etcd compaction one test does first) its garbage collector no
  # longer saw Widgets arrive: each Widget owner of a new child was looked up
  # as a "virtual" node at the collector's 10 a second, so the 1,000 Widgets
  # of the next test held up every collection for 100 s and the next tests
  # failed on the collector, not on what they test. A restarted apiserver is
  # what those tests are about; the controller-manager's behaviour after one
  # is not, and must not leak into the tests after them.
  if [ -n "${KCM_PORT:-}" ] && alive "$(pid_of kube-controller-manager)"; then
    stop_pids "$(pid_of kube-controller-manager)"
    start_controller_manager
    log "kube-controller-manager restarted"
  fi
}

case $command in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  status) cmd_status ;;
  restart-apiserver) cmd_restart_apiserver ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
