#!/usr/bin/env bash
# Builds the test control plane's binaries from their Go modules, once per
# pinned version, into $KILN_CACHE/tools/<component>-<version>-<digest>/.
# The versions are pinned in tests/cluster/tools/<component>/go.mod (+ go.sum):
# that is the one place to change them.
#
# Usage: build.sh            build what is missing, then print the env lines
#        build.sh --print    print the env lines only (fails if something is missing)
# Output: KUBE_APISERVER=... lines, to be eval'ed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/paths.sh"
tools="$here/tools"

# Bump to force a rebuild when how we build changes (flags, stage files).
build_revision=2

log() { echo "build.sh: $*" >&2; }

module_version() {  # module_version COMPONENT MODULE
  awk -v m="$2" '($1 == "require" && $2 == m) || $1 == m { print ($1 == "require" ? $3 : $2); exit }' \
    "$tools/$1/go.mod"
}

cache_dir() {  # cache_dir COMPONENT VERSION
  local digest
  digest=$( (cat "$tools/$1/go.mod" "$tools/$1/go.sum"; echo "$build_revision") | sha256sum | cut -c1-12)
  echo "$KILN_CACHE/tools/$1-$2-$digest"
}

# go_build COMPONENT DEST LDFLAGS PACKAGES...: builds into a temporary
# directory renamed into place, so an interrupted build never looks cached.
go_build() {
  local component=$1 dest=$2 ldflags=$3
  shift 3
  local tmp="$dest.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  local start=$SECONDS
  log "building $component ($*) -> $dest; the first build takes a while"
  (cd "$tools/$component" && go build -ldflags "-s -w $ldflags" -o "$tmp/bin/" "$@")
  echo "$tmp"
  log "built $component in $((SECONDS - start)) s"
}

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "Go is not on PATH; the control plane is built from Go modules (Go >= 1.25 needed)"
    exit 1
  fi
}

print_only=false
[ "${1:-}" = --print ] && print_only=true

ensure() {  # ensure COMPONENT MODULE: sets $dir to the component's cache directory
  local version
  version=$(module_version "$1" "$2")
  dir=$(cache_dir "$1" "$version")
  if [ ! -d "$dir/bin" ]; then
    if $print_only; then log "$1 $version is not built: run $0"; exit 1; fi
    require_go
    build_"$1" "$version"
  fi
}

build_kubernetes() {
  local version=$1 minor
  minor=$(echo "$version" | cut -d. -f2)
  local flags="" pkg
  # Stamp the release into `--version`, as the Kubernetes release build does.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  local tmp
  tmp=$(go_build kubernetes "$dir" "$flags" k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl)
  mv "$tmp" "$dir"
}

build_etcd() {
  local tmp
  tmp=$(go_build etcd "$dir" "" go.etcd.io/etcd/server/v3)
  mv "$tmp/bin/server" "$tmp/bin/etcd"
  mv "$tmp" "$dir"
}

build_kwok() {
  local tmp src
  tmp=$(go_build kwok "$dir" "" sigs.k8s.io/kwok/cmd/kwok)
  # KWOK's own stages, as kwokctl uses them: nodes become Ready and keep their
  # Lease fresh; pods become Ready; Job pods succeed; deleted pods go away.
  src=$(cd "$tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"
    cat "$src/kustomize/stage/$f"
  done >"$tmp/stages.yaml"
  mv "$tmp" "$dir"
}

# versitygw: the S3-compatible server the kiln-fetch tests read s3:// sources from.
build_versitygw() {
  local tmp
  tmp=$(go_build versitygw "$dir" "" github.com/versity/versitygw/cmd/versitygw)
  mv "$tmp" "$dir"
}

ensure kubernetes k8s.io/kubernetes
k8s=$dir
ensure etcd go.etcd.io/etcd/server/v3
etcd=$dir
ensure kwok sigs.k8s.io/kwok
kwok=$dir
ensure versitygw github.com/versity/versitygw
versitygw=$dir

cat <<OUT
KUBE_APISERVER=$k8s/bin/kube-apiserver
KUBE_CONTROLLER_MANAGER=$k8s/bin/kube-controller-manager
KUBE_SCHEDULER=$k8s/bin/kube-scheduler
KUBECTL=$k8s/bin/kubectl
ETCD=$etcd/bin/etcd
KWOK=$kwok/bin/kwok
KWOK_STAGES=$kwok/stages.yaml
VERSITYGW=$versitygw/bin/versitygw
OUT
