#!/usr/bin/env bash
# One real Kubernetes node next to the KWOK ones, for what only a running
# container can prove. Called by `cluster.sh up --real-node` and `cluster.sh down`.
#
#   real_node.sh up --dir DIR     join the cluster in DIR (its control plane must be up)
#   real_node.sh down --dir DIR   remove the node and everything it put on the machine
#   real_node.sh leftovers --dir DIR   list what is left of a node (fails if anything)
#
# The node: containerd (v2, Go module) with Debian's runc, the CNI bridge
# plugin with host-local IPAM on bridge kiln0 (tests/cluster/node/settings.sh
# has the address plan), kubelet and kube-proxy (iptables mode) from the same
# Kubernetes release as the control plane, and a registry (Debian's
# docker-registry) on the bridge address holding the images of
# tests/cluster/node/images.sh. It is tainted kiln.dev/real-node=true:NoSchedule:
# only pods that tolerate it land there. Its traffic never leaves the machine
# (tests/cluster/node/network.sh, set up before kubelet starts).
#
# It changes machine-wide state (a bridge, routes, iptables chains, cgroups,
# kernel settings kubelet sets), so one real node runs per machine at a time;
# /run/kiln-real-node records which cluster owns it, and `up` cleans up after
# an owner that is gone. Needs root.
#
# A package index on the same address serves the wheels of
# node/pypi-requirements.txt (`pip install --index-url $KILN_PYPI_INDEX
# --trusted-host 10.245.0.1`): pods reach nothing outside this machine.
#
# The cluster's env file gains KILN_REAL_NODE, KILN_REGISTRY, KILN_PYPI_INDEX, KILN_IMAGE_<NAME>
# (pause, debian, kaniko: references by digest) and the containment's names
# (KILN_NODE_BRIDGE, KILN_CONTAIN_OUT_CHAIN, KILN_CONTAIN_FWD_CHAIN).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/paths.sh"
. "$here/node/settings.sh"

command=${1:-}
[ $# -gt 0 ] && shift
case $command in
  up | down | leftovers) ;;
  *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
dir=""
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    *) echo "real_node.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$dir" ] || { echo "real_node.sh: --dir DIR is required" >&2; exit 2; }
dir=$(realpath -m "$dir")
node="$dir/node"
logs="$dir/logs"
pids="$node/pids"

log() { echo "real-node: $*" >&2; }
die() { log "$*"; exit 1; }
. "$here/processes.sh"

kubectl() { "$KUBECTL" --kubeconfig="$dir/kubeconfig" "$@"; }

# Kernel settings kubelet (and kube-proxy, were it not told otherwise) change
# machine-wide; saved before the node starts, restored when it goes.
saved_sysctls=(
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes
  net.ipv4.ip_forward net.ipv4.conf.all.route_localnet
  net.bridge.bridge-nf-call-iptables net.netfilter.nf_conntrack_max
)

# kubelet: container log links, device plugin socket; shims: their sockets;
# the CNI library: its result cache.
fixed_paths=(/var/log/containers /var/lib/kubelet /run/containerd /var/lib/cni)

load_binaries() {
  local line
  while IFS= read -r line; do export "${line?}"; done < <("$here/build.sh" --real-node)
}

require() {
  [ "$(id -u)" -eq 0 ] || die "the real node needs root (network, mounts, cgroups)"
  local missing=() cmd
  for cmd in iptables runc mmdebstrap docker-registry gcc; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
  done
  [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] || missing+=(containernetworking-plugins)
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}: run scripts/install-deps.sh"
  [ -f "$dir/kubeconfig" ] || die "no control plane at $dir: run cluster.sh up first"
}

# --- owning the machine ------------------------------------------------------

claim_machine() {
  local owner
  if ! mkdir "$NODE_STATE" 2>/dev/null; then
    owner=$(cat "$NODE_STATE/owner" 2>/dev/null || true)
    if [ -n "$owner" ] && [ "$owner" != "$dir" ] && alive "$(pids="$owner/node/pids" pid_of kubelet)"; then
      die "a real node already runs on this machine, for the cluster in $owner"
    fi
    log "cleaning up after a real node that is gone (${owner:-unknown owner})"
    "$0" down --dir "${owner:-$dir}" || true
    rm -rf "$NODE_STATE"
    mkdir "$NODE_STATE"
  fi
  echo "$dir" >"$NODE_STATE/owner"
  local key
  for key in "${saved_sysctls[@]}"; do
    sysctl -n "$key" 2>/dev/null | sed "s|^|$key=|"
  done >"$NODE_STATE/sysctl"
  # Directories kubelet, containerd's shims and the CNI library create at fixed
  # places whatever they are told; removed at `down` if they were not there.
  local path
  for path in "${fixed_paths[@]}"; do
    [ -e "$path" ] || echo "$path"
  done >"$NODE_STATE/created"
}

# --- configuration -----------------------------------------------------------

write_registry_config() {
  mkdir -p "$node/registry"
  cat >"$node/registry/config.yml" <<EOF
version: 0.1
log: {level: info, formatter: text}
storage:
  filesystem: {rootdirectory: $node/registry/data}
  delete: {enabled: true}
http: {addr: "$NODE_REGISTRY"}
EOF
}

write_node_configs() {
  mkdir -p "$node"/{containerd,cni/net.d,kubelet}
  local reg_dir="$node/containerd/certs.d/$NODE_REGISTRY"
  mkdir -p "$reg_dir"
  cat >"$reg_dir/hosts.toml" <<EOF
server = "http://$NODE_REGISTRY"
[host."http://$NODE_REGISTRY"]
  capabilities = ["pull", "resolve", "push"]
EOF

  # Everything containerd keeps lives under $node; no NRI, CDI or /opt.
  cat >"$node/containerd/config.toml" <<EOF
version = 3
root = "$node/containerd/root"
state = "$node/containerd/state"
temp = "$node/containerd/tmp"
[grpc]
  address = "$node/containerd/containerd.sock"
[ttrpc]
  address = "$node/containerd/containerd.sock.ttrpc"
[plugins.'io.containerd.internal.v1.opt']
  path = "$node/containerd/opt"
[plugins.'io.containerd.nri.v1.nri']
  disable = true
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$KILN_IMAGE_PAUSE"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "$node/containerd/certs.d"
[plugins.'io.containerd.cri.v1.runtime']
  # root here lacks CAP_SYS_RESOURCE: without this every sandbox fails with
  # "can't get final child's PID from pipe" (kubelet asks for oom_score_adj -998).
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_cdi = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$node/cni/net.d"
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "$(command -v runc)"
      Root = "$node/runc"
      SystemdCgroup = false
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
EOF

  # The bridge exists already (network.sh); the plugin only plugs pods into it.
  # isGateway false: the plugin would otherwise set net.ipv4.ip_forward.
  cat >"$node/cni/net.d/10-kiln.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "kiln",
  "plugins": [{
    "type": "bridge",
    "bridge": "$NODE_BRIDGE",
    "isGateway": false,
    "ipMasq": false,
    "hairpinMode": true,
    "ipam": {
      "type": "host-local",
      "ranges": [[{"subnet": "$NODE_POD_CIDR", "gateway": "$NODE_IP"}]],
      "routes": [{"dst": "0.0.0.0/0", "gw": "$NODE_IP"}],
      "dataDir": "$node/cni/ipam"
    }
  }]
}
EOF

  cat >"$node/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# The host has cgroup v1 and PID 1 is not systemd.
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$node/containerd/containerd.sock
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $dir/pki/ca.crt}
authorization: {mode: Webhook}
registerWithTaints:
- {key: $NODE_TAINT_KEY, value: "true", effect: NoSchedule}
# Pods resolve no names (no cluster DNS; nothing outside to ask).
resolvConf: ""
clusterDomain: cluster.local
makeIPTablesUtilChains: false
oomScoreAdj: 0
podLogsDir: $node/pod-logs
volumePluginDir: $node/kubelet/volume-plugins
serializeImagePulls: false
maxPods: 40
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF

  cat >"$node/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $dir/kubeconfig}
hostnameOverride: $NODE_NAME
clusterCIDR: $NODE_POD_CIDR
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:$PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
# Node ports on the node's address only; no route_localnet, no conntrack
# table or timeout changes: nothing machine-wide beyond its own chains.
nodePortAddresses: ["$NODE_IP/32"]
iptables: {localhostNodePorts: false, minSyncPeriod: 0s, syncPeriod: 30s}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
oomScoreAdj: 0
EOF
}

# --- up ----------------------------------------------------------------------

node_ready() {
  kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null |
    grep -qx True
}

registry_up() { curl -sf --max-time 2 "http://$NODE_REGISTRY/v2/" >/dev/null; }

cmd_up() {
  require
  load_binaries
  local began=$SECONDS step
  claim_machine
  rm -rf "$node" && mkdir -p "$node" "$logs"

  # Containment first: nothing of the node may reach the external interface.
  "$here/node/network.sh" up

  write_registry_config
  start registry docker-registry serve "$node/registry/config.yml"
  wait_until 30 "the registry on $NODE_REGISTRY" registry_up
  step=$SECONDS
  "$here/node/images.sh" push "$NODE_REGISTRY" >"$node/images.env"
  log "images ready in the registry in $((SECONDS - step)) s"
  set -a
  . "$node/images.env"
  set +a

  local pypi
  pypi=$("$here/node/pypi.sh" build)
  start pypi /usr/bin/python3 -m http.server --bind "$NODE_IP" --directory "$pypi" "$NODE_PYPI_PORT"
  wait_until 30 "the package index" curl -sf "http://$NODE_IP:$NODE_PYPI_PORT/simple/"

  read -r KUBELET_HEALTHZ_PORT PROXY_HEALTHZ_PORT PROXY_METRICS_PORT <<<"$(free_ports 3)"
  write_node_configs
  # containerd finds its shim on PATH.
  PATH="$(dirname "$CONTAINERD_SHIM"):$PATH" start containerd "$CONTAINERD" --config "$node/containerd/config.toml"
  wait_until 30 "containerd" test -S "$node/containerd/containerd.sock"

  start kubelet "$KUBELET" --config="$node/kubelet/config.yaml" --kubeconfig="$dir/kubeconfig" \
    --root-dir="$node/kubelet/root" --cert-dir="$node/kubelet/pki" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" \
    --node-labels="$NODE_TAINT_KEY=true"
  wait_until 120 "node $NODE_NAME Ready" node_ready

  start kube-proxy "$KUBE_PROXY" --config="$node/kube-proxy.yaml"
  wait_until 60 "kube-proxy healthy" curl -sf "http://127.0.0.1:$PROXY_HEALTHZ_PORT/healthz"

  {
    echo "export KILN_REAL_NODE='$NODE_NAME'"
    echo "export KILN_REGISTRY='$NODE_REGISTRY'"
    echo "export KILN_PYPI_INDEX='http://$NODE_IP:$NODE_PYPI_PORT/simple'"
    echo "export KILN_NODE_BRIDGE='$NODE_BRIDGE'"
    echo "export KILN_CONTAIN_OUT_CHAIN='$CONTAIN_OUT_CHAIN'"
    echo "export KILN_CONTAIN_FWD_CHAIN='$CONTAIN_FWD_CHAIN'"
    sed "s/^\([A-Z_]*\)=\(.*\)$/export \1='\2'/" "$node/images.env"
  } >>"$dir/env"
  log "node $NODE_NAME Ready in $((SECONDS - began)) s (kubelet $("$KUBELET" --version | cut -d' ' -f2), containerd $("$CONTAINERD" --version | cut -d' ' -f3))"
}

# --- down --------------------------------------------------------------------

owns_machine() { [ "$(cat "$NODE_STATE/owner" 2>/dev/null)" = "$dir" ]; }

stop_named() {  # stop_named NAME: stops the recorded process NAME, if running
  local pid
  pid=$(pid_of "$1")
  if alive "$pid"; then stop_pids "$pid"; fi
}

pods_on_node() {
  kubectl get pods -A --field-selector "spec.nodeName=$NODE_NAME" --no-headers 2>/dev/null | grep -c . || true
}

# Pods go first, while kubelet runs to stop their containers; the node is
# cordoned so their controllers' replacements cannot land here again.
delete_pods() {
  kubectl get node "$NODE_NAME" >/dev/null 2>&1 || return 0
  kubectl cordon "$NODE_NAME" >/dev/null 2>&1 || true
  kubectl delete pods -A --field-selector "spec.nodeName=$NODE_NAME" --grace-period=1 --wait=false \
    >/dev/null 2>&1 || true
  local i
  for i in $(seq 1 120); do
    [ "$(pods_on_node)" -eq 0 ] && return 0
    sleep 0.25
  done
  log "pods still on the node after 30 s; deleting them by force"
  kubectl delete pods -A --field-selector "spec.nodeName=$NODE_NAME" --force --grace-period=0 \
    >/dev/null 2>&1 || true
}

pod_cgroups() { find /sys/fs/cgroup/*/kubepods -depth -type d 2>/dev/null || true; }

# Whatever still runs in a pod's cgroup (containerd gone, a shim killed) dies;
# then the cgroups go, deepest first.
remove_pod_cgroups() {
  local i
  for i in 1 2 3 4 5; do
    pod_cgroups | sed 's|$|/cgroup.procs|' | xargs -r cat 2>/dev/null | sort -u |
      xargs -r kill -KILL 2>/dev/null || true
    pod_cgroups | xargs -r rmdir 2>/dev/null || true
    [ -z "$(pod_cgroups)" ] && return 0
    sleep 0.2
  done
  log "cgroups left: $(pod_cgroups | tr '\n' ' ')"
}

unmount_under() {  # unmount_under DIR: every mount at or below DIR, deepest first
  local mounts mount i
  for i in 1 2 3; do
    mounts=$(awk -v p="$1/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    [ -z "$mounts" ] && return 0
    for mount in $mounts; do umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true; done
  done
}

# Files kubelet and the CNI library write outside $node.
remove_outside_files() {
  local link
  for link in /var/log/containers/*; do
    [ -L "$link" ] || continue
    case $(readlink "$link") in "$node"/*) rm -f "$link" ;; esac
  done
  rm -f /var/lib/cni/results/kiln-* 2>/dev/null || true
  local path
  while read -r path; do
    case $path in /var/log/containers | /var/lib/kubelet | /run/containerd | /var/lib/cni) rm -rf "$path" ;; esac
  done <"$NODE_STATE/created"
}

# kube-proxy --cleanup leaves the chains it shares with kubelet (KUBE-FIREWALL):
# every KUBE- chain goes, with the rules that jump to it. (Only the real node
# makes them on this machine.)
remove_kube_chains() {
  local tool table chain rule
  for tool in iptables ip6tables; do
    for table in filter nat mangle raw; do
      { "$tool-save" -t "$table" 2>/dev/null || true; } | { grep -E '^-A [A-Z]+ .*-j KUBE-' || true; } |
        sed 's/^-A /-D /' | while read -r rule; do
          # shellcheck disable=SC2086
          eval "$tool -w 10 -t $table $rule" 2>/dev/null || true
        done
      for chain in $("$tool-save" -t "$table" 2>/dev/null | awk '/^:KUBE-/ { print substr($1, 2) }'); do
        "$tool" -w 10 -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $("$tool-save" -t "$table" 2>/dev/null | awk '/^:KUBE-/ { print substr($1, 2) }'); do
        "$tool" -w 10 -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
}

restore_sysctls() {
  local key value
  while IFS='=' read -r key value; do
    sysctl -qw "$key=$value" 2>/dev/null || log "could not restore $key=$value"
  done <"$NODE_STATE/sysctl"
}

phase() {  # phase NAME: notes how long the previous phase took
  times+=" $1 $((SECONDS - phase_start))s"
  phase_start=$SECONDS
}

cmd_down() {
  local owner=false
  owns_machine && owner=true
  [ -d "$node" ] || $owner || return 0
  local began=$SECONDS line left times="" phase_start=$SECONDS
  # The binaries, if they are built (a cleanup must work without them).
  KUBECTL="" KUBE_PROXY=""
  while IFS= read -r line; do export "${line?}"; done < <("$here/build.sh" --print --real-node 2>/dev/null || true)

  [ -z "$KUBECTL" ] || delete_pods
  phase pods
  stop_named kube-proxy
  if $owner; then
    if [ -n "$KUBE_PROXY" ]; then "$KUBE_PROXY" --cleanup >>"$logs/kube-proxy.log" 2>&1 || true; fi
    remove_kube_chains
  fi
  phase kube-proxy
  stop_named kubelet
  [ -z "$KUBECTL" ] || kubectl delete node "$NODE_NAME" --wait=false >/dev/null 2>&1 || true
  phase kubelet
  $owner && remove_pod_cgroups
  stop_named containerd
  stop_named registry
  stop_named pypi
  # The shims (their command lines name containerd's socket), anything else of ours.
  left=$(pgrep -f -- "$node/" || true)
  # shellcheck disable=SC2086
  [ -z "$left" ] || stop_pids $left
  phase containerd
  unmount_under "$node"
  phase mounts
  if $owner; then
    remove_pod_cgroups
    phase cgroups
    "$here/node/network.sh" down
    phase network
    remove_outside_files
    restore_sysctls
    rm -rf "$NODE_STATE"
  fi
  rm -rf "$node"
  phase files
  log "down in $((SECONDS - began)) s:$times"
}

# Prints whatever a real node left on the machine; fails if anything.
cmd_leftovers() {
  local name found
  found=$(
    for name in kubelet kube-proxy containerd containerd-shim-runc-v2; do
      pgrep -f "^[^ ]*/?$name( |$)" | sed "s/^/process $name /" || true
    done
    ip link show "$NODE_BRIDGE" >/dev/null 2>&1 && echo "bridge $NODE_BRIDGE"
    for name in iptables ip6tables; do
      "$name-save" 2>/dev/null | awk -v t="$name" '/^:(KILN|KUBE)-/ { print t " chain " substr($1, 2) }'
    done
    pod_cgroups | sed 's/^/cgroup /'
    awk -v p="$node/" 'index($5, p) == 1 { print "mount " $5 }' /proc/self/mountinfo
    [ ! -e "$NODE_STATE" ] || echo "$NODE_STATE"
  )
  [ -z "$found" ] && return 0
  echo "left behind by the real node:"
  echo "$found"
  return 1
}

case $command in
  up) cmd_up ;;
  down) cmd_down ;;
  leftovers) cmd_leftovers ;;
esac
