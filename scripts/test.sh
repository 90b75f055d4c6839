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
step "Kubernetes components" bash -c 'tests/cluster/build.sh >/dev/null'

export PATH="$KILN_VENV/bin:$PATH"
jobs=$(nproc)
for build in ${KILN_TEST_BUILDS:-build build-asan}; do
  flags=()
  select=()
  if [ "$build" = build-asan ]; then
    flags=(-DKILN_SANITIZE=ON)
    select=(-LE cluster)
  fi
  step "configure $build" cmake -S . -B "$build" -G Ninja "${flags[@]}" -DCMAKE_MESSAGE_LOG_LEVEL=WARNING
  step "compile $build" cmake --build "$build" -j "$jobs"
  step "tests $build" ctest --test-dir "$build" --output-on-failure --timeout 900 "${select[@]}" "$@"
  # The cluster fixture must leave nothing running, even after failures.
  if left=$(pgrep -fa -- "$root/$build/test-cluster/"); then
    echo "control-plane processes left behind:"; echo "$left"; exit 1
  fi
done
echo "no kube-apiserver, etcd, kube-controller-manager, kube-scheduler or kwok process left"
