#!/usr/bin/env bash
# Installs what is needed, builds Kiln twice (RelWithDebInfo, and ASan+UBSan)
# and runs the tests: every test in the normal build (unit tests, kiln-serve
# tests, and the integration tests against a real control plane that ctest
# starts once per run and stops after); the unit and kiln-serve tests again in
# the ASan+UBSan build (the cluster tests run once: CI's time goes to them).
#
# Usage: scripts/test.sh [ctest arguments, e.g. -L unit or -R Smoke]
# KILN_TEST_BUILDS="build" limits it to the normal build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/paths.sh

step() {  # step NAME CMD...: runs CMD and reports how long it took
  local name=$1 start=$SECONDS
  shift
  echo "==> $name"
  "$@"
  echo "==> $name: $((SECONDS - start)) s"
}

step "dependencies" bash scripts/install-deps.sh
# KILN_REAL_NODE=0 leaves the real node out of the test cluster (it needs root).
real_node=${KILN_REAL_NODE:-1}
if [ "$real_node" = 1 ]; then
  step "Kubernetes components" bash -c 'tests/cluster/build.sh --real-node >/dev/null'
  step "real node images and package index" \
    bash -c 'tests/cluster/node/images.sh build && tests/cluster/node/pypi.sh build >/dev/null'
else
  step "Kubernetes components" bash -c 'tests/cluster/build.sh >/dev/null'
fi

export PATH="$KILN_VENV/bin:$PATH"
jobs=$(nproc)
for build in ${KILN_TEST_BUILDS:-build build-asan}; do
  flags=()
  select=()
  if [ "$build" = build-asan ]; then
    flags=(-DKILN_SANITIZE=ON -DKILN_CLUSTER_TESTS=OFF)
    select=(-LE cluster)
  else
    flags=(-DKILN_TEST_REAL_NODE=$([ "$real_node" = 1 ] && echo ON || echo OFF))
  fi
  step "configure $build" cmake -S . -B "$build" -G Ninja "${flags[@]}" -DCMAKE_MESSAGE_LOG_LEVEL=WARNING
  step "compile $build" cmake --build "$build" -j "$jobs"
  step "tests $build" ctest --test-dir "$build" --output-on-failure --timeout 900 "${select[@]}" "$@"
  # The cluster fixture must leave nothing running, even after failures.
  if left=$(pgrep -fa -- "$root/$build/test-cluster/"); then
    echo "control-plane processes left behind:"; echo "$left"; exit 1
  fi
  # ... and the real node nothing: kubelet, kube-proxy, containerd, shims,
  # registry, bridge, iptables chains, cgroups, mounts.
  tests/cluster/real_node.sh leftovers --dir "$root/$build/test-cluster"
done
echo "no kube-apiserver, etcd, kube-controller-manager, kube-scheduler, kwok, kubelet," \
  "kube-proxy, containerd, shim or registry process left; no bridge, chain, cgroup or mount"
