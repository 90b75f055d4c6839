#!/usr/bin/env bash
# Installs what is needed, builds Kiln twice (RelWithDebInfo, and ASan+UBSan)
# and runs every test in both builds: unit tests, and the integration tests
# against a real control plane that ctest starts once per run and stops after.
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
  [ "$build" = build-asan ] && flags=(-DKILN_SANITIZE=ON)
  step "configure $build" cmake -S . -B "$build" -G Ninja "${flags[@]}" >/dev/null
  step "compile $build" cmake --build "$build" -j "$jobs"
  step "tests $build" ctest --test-dir "$build" --output-on-failure --timeout 900 "$@"
done
