#!/usr/bin/env bash
# Network containment of the real node: its traffic never leaves this machine.
#
#   network.sh up      DROP rules first, then the pod bridge and the local routes
#   network.sh down    removes exactly what `up` added (idempotent)
#   network.sh check   fails unless everything `up` adds is in place
#
# Without it, a packet to a ClusterIP that kube-proxy has not translated (or
# before kube-proxy runs) follows the default route out of the external
# interface. So: the Service range and the KWOK pods' range are routed into the
# pod bridge, the node's pod range is the bridge's own subnet, and two chains of
# our own drop whatever would still leave:
#   KILN-NODE-OUT (from OUTPUT) and KILN-NODE-FWD (from FORWARD) drop
#   - anything still addressed to a Service IP (kube-proxy translates those that
#     exist before the filter table sees them),
#   - anything addressed to a KWOK pod (they run nowhere),
#   - anything from or to the node's pods leaving by any interface but the
#     bridge (and loopback for the host's own traffic),
#   - in FORWARD, anything that came in from the bridge and is routed elsewhere.
# Nothing else on the machine changes: forwarding is enabled on the bridge only
# (not net.ipv4.ip_forward), bridge netfilter on the bridge only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/settings.sh"

log() { echo "network: $*" >&2; }
ipt() { iptables -w 10 "$@"; }

drop() {  # drop CHAIN COMMENT MATCH...: appends a commented DROP rule
  local chain=$1 comment=$2
  shift 2
  ipt -A "$chain" "$@" -m comment --comment "kiln: $comment" -j DROP
}

add_chains() {
  ipt -N "$CONTAIN_OUT_CHAIN"
  drop "$CONTAIN_OUT_CHAIN" "no such Service" -d "$SERVICE_CIDR"
  drop "$CONTAIN_OUT_CHAIN" "KWOK pods run nowhere" -d "$KWOK_POD_CIDR"
  ipt -A "$CONTAIN_OUT_CHAIN" -o lo -j RETURN
  ipt -A "$CONTAIN_OUT_CHAIN" -o "$NODE_BRIDGE" -j RETURN
  drop "$CONTAIN_OUT_CHAIN" "node pods stay local" -s "$NODE_POD_CIDR"
  drop "$CONTAIN_OUT_CHAIN" "node pods stay local" -d "$NODE_POD_CIDR"

  ipt -N "$CONTAIN_FWD_CHAIN"
  drop "$CONTAIN_FWD_CHAIN" "no such Service" -d "$SERVICE_CIDR"
  drop "$CONTAIN_FWD_CHAIN" "KWOK pods run nowhere" -d "$KWOK_POD_CIDR"
  ipt -A "$CONTAIN_FWD_CHAIN" -o "$NODE_BRIDGE" -j RETURN
  drop "$CONTAIN_FWD_CHAIN" "node pods stay local" -i "$NODE_BRIDGE"
  drop "$CONTAIN_FWD_CHAIN" "node pods stay local" -s "$NODE_POD_CIDR"
  drop "$CONTAIN_FWD_CHAIN" "node pods stay local" -d "$NODE_POD_CIDR"

  ipt -I OUTPUT 1 -j "$CONTAIN_OUT_CHAIN"
  ipt -I FORWARD 1 -j "$CONTAIN_FWD_CHAIN"
}

remove_chains() {
  local hook chain
  for hook in OUTPUT:$CONTAIN_OUT_CHAIN FORWARD:$CONTAIN_FWD_CHAIN; do
    chain=${hook#*:}
    while ipt -C "${hook%%:*}" -j "$chain" 2>/dev/null; do ipt -D "${hook%%:*}" -j "$chain"; done
    if ipt -n -L "$chain" >/dev/null 2>&1; then
      ipt -F "$chain"
      ipt -X "$chain"
    fi
  done
}

add_bridge() {
  ip link add "$NODE_BRIDGE" type bridge
  # kube-proxy's Service translation must see traffic between two pods of the
  # bridge (a pod reaching another through a ClusterIP): netfilter on this
  # bridge only, whatever net.bridge.bridge-nf-call-iptables says.
  ip link set "$NODE_BRIDGE" type bridge nf_call_iptables 1
  ip addr add "$NODE_IP/${NODE_POD_CIDR#*/}" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  # Routing between pods through a ClusterIP: forwarding for packets that come
  # in on the bridge, nowhere else.
  sysctl -qw "net.ipv4.conf.$NODE_BRIDGE.forwarding=1"
  sysctl -qw "net.ipv6.conf.$NODE_BRIDGE.disable_ipv6=1"
  # The host reaches Services (translated by kube-proxy after this lookup) from
  # the node's address; untranslated ones and KWOK pod IPs end at the DROP rules.
  ip route add "$SERVICE_CIDR" dev "$NODE_BRIDGE" src "$NODE_IP"
  ip route add "$KWOK_POD_CIDR" dev "$NODE_BRIDGE" src "$NODE_IP"
}

remove_bridge() {
  # Its address, routes and forwarding setting go with it.
  if ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then ip link del "$NODE_BRIDGE"; fi
}

routed_locally() {  # routed_locally ADDRESS: the route to ADDRESS is the bridge
  ip route get "$1" 2>/dev/null | grep -q " dev $NODE_BRIDGE "
}

cmd_check() {
  local ok=true what
  ipt -C OUTPUT -j "$CONTAIN_OUT_CHAIN" 2>/dev/null || { log "OUTPUT does not jump to $CONTAIN_OUT_CHAIN"; ok=false; }
  ipt -C FORWARD -j "$CONTAIN_FWD_CHAIN" 2>/dev/null || { log "FORWARD does not jump to $CONTAIN_FWD_CHAIN"; ok=false; }
  for what in "${SERVICE_CIDR%/*}" "${KWOK_POD_CIDR%/*}" "${NODE_POD_CIDR%/*}"; do
    routed_locally "$what" || { log "$what is not routed into $NODE_BRIDGE"; ok=false; }
  done
  $ok
}

case ${1:-} in
  up)
    remove_chains
    remove_bridge
    add_chains
    add_bridge
    cmd_check
    log "up: $SERVICE_CIDR, $KWOK_POD_CIDR and $NODE_POD_CIDR stay on this machine"
    ;;
  down)
    remove_bridge
    remove_chains
    ;;
  check) cmd_check ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
