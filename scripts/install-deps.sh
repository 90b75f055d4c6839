#!/usr/bin/env bash
# Installs everything Kiln's build, demo and tests need, from Debian's packages
# and PyPI. Idempotent, and fast when everything is already there.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=scripts/paths.sh
. "$here/paths.sh"

debian_packages=(
  # build
  cmake ninja-build g++ pkg-config clang-format git ccache
  # libraries (ARCHITECTURE.md: all from Debian's packages)
  libcurl4-openssl-dev nlohmann-json3-dev libyaml-cpp-dev libssl-dev libzstd-dev
  libboost-dev libspdlog-dev libfmt-dev libcli11-dev pybind11-dev python3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # the test control plane and its helpers
  openssl curl procps psmisc iproute2
  # the embedded Python's packages and the virtualenv that adds PyPI ones
  python3-venv python3-pip
  # scripts/gen-api-reference.py reads the CRDs
  python3-yaml
  # registry checks and load generation
  docker-registry wrk
  # the test cluster's real node (tests/cluster/real_node.sh): container
  # runtime, pod network, Service rules, base images, the pause binary
  runc containernetworking-plugins iptables conntrack mmdebstrap gcc libc6-dev
)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The registry package starts a system service on port 5000; tests run their own.
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
fi

# PyPI packages go into a virtualenv over Debian's python3, the interpreter
# kiln-serve embeds, so the embedded and the command-line Python agree.
req="$root/scripts/requirements.txt"
stamp="$KILN_VENV/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$KILN_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install-deps: preparing Python virtualenv $KILN_VENV"
  /usr/bin/python3 -m venv "$KILN_VENV"
  "$KILN_VENV/bin/pip" install -q -r "$req"
  echo "$want" >"$stamp"
fi
echo "install-deps: ok"
