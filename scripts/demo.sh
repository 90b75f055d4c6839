#!/usr/bin/env bash
# Kiln's main job, from a fresh machine: install what is needed, build, start
# a local Kubernetes control plane (real kube-apiserver, controller-manager,
# scheduler; KWOK nodes for GPU/FPGA/edge placement; a real node: kubelet,
# containerd) and run the whole path on it (scripts/demo_on_node.sh): Kiln's
# images built by kaniko, kiln-operator registering the seeds' diabetes model,
# building its Environment and serving the InferenceService, `kubectl get kiln`
# Ready, a request scored with the generated key. The control plane stays up
# afterwards; `tests/cluster/cluster.sh down` stops it.
#
#   scripts/demo.sh [--no-node]
#
# --no-node (or KILN_REAL_NODE=0; for machines where the real node cannot run):
# KWOK nodes only, and the seeds' model served by kiln-serve outside the cluster.
set -euo pipefail
on_node=true
[ "${KILN_REAL_NODE:-1}" = 0 ] && on_node=false
case ${1:-} in
  --no-node) on_node=false ;;
  --on-node) on_node=true ;;  # the default; kept for older instructions
  "") ;;
  *) echo "usage: scripts/demo.sh [--no-node]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/paths.sh

echo "==> installing dependencies"
bash scripts/install-deps.sh
echo "==> building Kiln"
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" | tail -n 1

echo "==> starting the local control plane"
if $on_node; then tests/cluster/cluster.sh up --real-node; else tests/cluster/cluster.sh up; fi
eval "$(tests/cluster/cluster.sh env)"
echo "==> nodes (KWOK: plain, GPU, MIG, FPGA, edge)"
"$KUBECTL" get nodes -L nvidia.com/gpu.product -L kiln.dev/edge
"$KUBECTL" get nodes -o custom-columns='NAME:.metadata.name,ALLOCATABLE:.status.allocatable'

if $on_node; then
  echo "==> the main job on the real node"
  scripts/demo_on_node.sh
else
  echo "==> serving the seeds' sample model with kiln-serve"
  server/examples/diabetes/demo.sh build/server/kiln-serve
fi

cat <<MSG

The control plane is up. To use it:
  eval "\$(tests/cluster/cluster.sh env)"; \$KUBECTL get pods -A
To stop it:
  tests/cluster/cluster.sh down
MSG
