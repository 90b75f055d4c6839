# The test cluster's address plan and the real node's machine-wide names, in
# one place. Sourced by cluster.sh, real_node.sh and the scripts beside this one.
# Only one real node can run on a machine at a time (it owns these names).

# Service ClusterIPs (kube-apiserver --service-cluster-ip-range).
SERVICE_CIDR=10.96.0.0/16
# Pod IPs KWOK hands out to the simulated pods (no container behind them).
KWOK_POD_CIDR=10.244.0.0/16
KWOK_POD_POOL=10.244.0.1/16  # KWOK's --cidr: the first address it hands out, and the mask
# KWOK nodes' InternalIP: loopback, so whatever kube-apiserver sends to a KWOK
# "kubelet" (logs, exec, metrics) stays on this machine even without the real
# node's routes and DROP rules.
KWOK_NODE_IP=127.0.0.1
# The real node's pods, on a Linux bridge whose address is the node's own.
NODE_POD_CIDR=10.245.0.0/24
NODE_BRIDGE=kiln0
NODE_IP=10.245.0.1
NODE_NAME=kiln-real-node
# The taint that keeps pods off the real node unless they tolerate it.
NODE_TAINT_KEY=kiln.dev/real-node
# The image registry the node pulls from and in-cluster builds push to; on the
# bridge address so both the host and the pods reach it, and nothing else does.
NODE_REGISTRY_PORT=5000
NODE_REGISTRY=$NODE_IP:$NODE_REGISTRY_PORT
# The Python package index for in-cluster builds (node/pypi.sh), same address.
NODE_PYPI_PORT=5080
# iptables chains of our own (filter table), so removing them is exact.
CONTAIN_OUT_CHAIN=KILN-NODE-OUT
CONTAIN_FWD_CHAIN=KILN-NODE-FWD
# Machine-wide marker of the running real node: which cluster owns it and the
# kernel settings to restore when it goes.
NODE_STATE=/run/kiln-real-node
