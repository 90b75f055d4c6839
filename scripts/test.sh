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
export PATH="$KILN_VENV/bin:$PATH"
jobs=$(nproc)
builds=(${KILN_TEST_BUILDS:-build build-asan})
# KILN_REAL_NODE=0 leaves the real node out of the test cluster (it needs root).
real_node=${KILN_REAL_NODE:-1}

configure() {  # configure BUILD: the normal build runs every test, the ASan+UBSan build no cluster test
  local flags=(-DKILN_TEST_REAL_NODE=$([ "$real_node" = 1 ] && echo ON || echo OFF))
  [ "$1" = build-asan ] && flags=(-DKILN_SANITIZE=ON -DKILN_CLUSTER_TESTS=OFF)
  step "configure $1" cmake -S . -B "$1" -G Ninja "${flags[@]}" -DCMAKE_MESSAGE_LOG_LEVEL=WARNING
}

# With both builds, the ASan+UBSan build compiles in the background at the
# lowest priority from here on: it takes only the CPU that the Go builds' links,
# the normal build and above all the cluster tests (which mostly wait on the
# cluster) leave idle, so its compile time hides behind them.
background=""
if [ ${#builds[@]} -gt 1 ] && [[ " ${builds[*]} " == *" build-asan "* ]]; then
  configure build-asan
  echo "==> compile build-asan: in the background (nice 19), log build-asan/compile.log"
  (
    start=$SECONDS
    rc=0
    nice -n 19 cmake --build build-asan -j "$jobs" >build-asan/compile.log 2>&1 || rc=$?
    echo "compile build-asan: $((SECONDS - start)) s, exit $rc" >>build-asan/compile.log
    exit $rc
  ) &
  background=$!
  # A failed step ends the script: the compile must not outlive it.
  kill_tree() {
    local child
    for child in $(pgrep -P "$1"); do kill_tree "$child"; done
    kill "$1" 2>/dev/null || true
  }
  trap 'if [ -n "$background" ]; then kill_tree "$background"; fi' EXIT
fi

if [ "$real_node" = 1 ]; then
  step "Kubernetes components" bash -c 'tests/cluster/build.sh --real-node >/dev/null'
  step "real node images and package index" \
    bash -c 'tests/cluster/node/images.sh build && tests/cluster/node/pypi.sh build >/dev/null'
else
  step "Kubernetes components" bash -c 'tests/cluster/build.sh >/dev/null'
fi

for build in "${builds[@]}"; do
  select=()
  [ "$build" = build-asan ] && select=(-LE cluster)
  if [ "$build" = build-asan ] && [ -n "$background" ]; then
    step "compile build-asan (waiting for the background compile)" wait "$background" ||
      { tail -n 40 build-asan/compile.log; exit 1; }
    background=""
    tail -n 1 build-asan/compile.log
  else
    configure "$build"
    step "compile $build" cmake --build "$build" -j "$jobs"
  fi
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
