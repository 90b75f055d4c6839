#!/usr/bin/env bash
# Builds the test control plane's binaries from their Go modules, once per
# pinned version, into $KILN_CACHE/tools/<component>-<version>-<digest>/.
# The versions are pinned in tests/cluster/tools/<component>/go.mod (+ go.sum):
# that is the one place to change them.
#
# Usage: build.sh [--print] [--real-node]
#   build what is missing, then print the env lines; --print only prints them
#   (fails if something is missing); --real-node adds the real node's programs
#   (kubelet, kube-proxy, containerd and its shim, the kaniko executor).
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
real_node=false
for arg in "$@"; do
  case $arg in
    --print) print_only=true ;;
    --real-node) real_node=true ;;
    *) log "unknown argument $arg"; exit 2 ;;
  esac
done

# The in-cluster image builder's executor, static (it runs in a scratch image).
build_kaniko() {
  local pkg=github.com/GoogleContainerTools/kaniko tmp
  tmp=$(CGO_ENABLED=0 go_build kaniko "$dir" "-X $pkg/pkg/version.version=$1" $pkg/cmd/executor)
  mv "$tmp" "$dir"
}

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

# Stamps the release into `--version`, as the Kubernetes release build does.
kubernetes_version_flags() {  # kubernetes_version_flags VERSION
  local minor flags="" pkg
  minor=$(echo "$1" | cut -d. -f2)
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$1 -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  echo "$flags"
}

build_kubernetes() {
  local tmp
  tmp=$(go_build kubernetes "$dir" "$(kubernetes_version_flags "$1")" k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl)
  mv "$tmp" "$dir"
}

# The real node's agents (tests/cluster/real_node.sh), from the same module and
# release as the control plane but a component of their own, so adding them
# did not change the control plane's pinned go.mod (nor its cache).
build_node() {
  local tmp
  tmp=$(go_build node "$dir" "$(kubernetes_version_flags "$1")" k8s.io/kubernetes/cmd/kubelet \
    k8s.io/kubernetes/cmd/kube-proxy)
  mv "$tmp" "$dir"
}

# containerd and its runc shim, as containerd's Makefile builds them: no btrfs
# snapshotter (it needs C headers), the shim static.
build_containerd() {
  local pkg=github.com/containerd/containerd/v2 tmp
  local flags="-X $pkg/version.Version=$1 -X $pkg/version.Package=$pkg"
  tmp=$(go_build containerd "$dir" "$flags" -tags no_btrfs $pkg/cmd/containerd)
  (cd "$tools/containerd" && CGO_ENABLED=0 go build -tags no_btrfs -ldflags "-s -w $flags" \
    -o "$tmp/bin/" $pkg/cmd/containerd-shim-runc-v2) >&2
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

# helm: the chart tests' client (charts/kiln), with its version stamped in.
build_helm() {
  local pkg=helm.sh/helm/v3/internal/version tmp
  tmp=$(CGO_ENABLED=0 go_build helm "$dir" "-X $pkg.version=$1 -X $pkg.gitTreeState=clean" helm.sh/helm/v3/cmd/helm)
  mv "$tmp" "$dir"
}

# metrics-server: the resource metrics API the real HPA controller reads in the
# autoscaling tests, scraping KWOK's emulated pod metrics. With it, from the
# KWOK module: the Metric that serves kubelet's /metrics/resource per node and
# the ResourceUsage and ClusterResourceUsage CRDs that set the emulated usage.
build_metrics-server() {
  local pkg=sigs.k8s.io/metrics-server tmp src
  tmp=$(go_build metrics-server "$dir" "-X k8s.io/client-go/pkg/version.gitVersion=$1" $pkg/cmd/metrics-server)
  src=$(cd "$tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  cp "$src/kustomize/metrics/resource/metrics-resource.yaml" "$tmp/kwok-metrics.yaml"
  cat "$src/kustomize/crd/bases/kwok.x-k8s.io_clusterresourceusages.yaml" <(echo ---) \
    "$src/kustomize/crd/bases/kwok.x-k8s.io_resourceusages.yaml" >"$tmp/kwok-usage-crds.yaml"
  mv "$tmp" "$dir"
}

# The Gateway API's standard CRDs (HTTPRoute, Gateway, ...) for the exposure
# tests: downloaded with the module, nothing built (bin/ stays empty: ensure
# looks for it).
build_gateway-api() {
  local tmp="$dir.tmp.$$" src
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  src=$(cd "$tools/gateway-api" && go mod download sigs.k8s.io/gateway-api &&
    go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)
  local f
  for f in "$src"/config/crd/standard/*.yaml; do echo ---; cat "$f"; done >"$tmp/standard-crds.yaml"
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
ensure helm helm.sh/helm/v3
helm=$dir
ensure metrics-server sigs.k8s.io/metrics-server
metrics_server=$dir
ensure gateway-api sigs.k8s.io/gateway-api
gateway_api=$dir
if $real_node; then
  ensure node k8s.io/kubernetes
  node=$dir
  ensure containerd github.com/containerd/containerd/v2
  containerd=$dir
  ensure kaniko github.com/GoogleContainerTools/kaniko
  kaniko=$dir
fi

cat <<OUT
KUBE_APISERVER=$k8s/bin/kube-apiserver
KUBE_CONTROLLER_MANAGER=$k8s/bin/kube-controller-manager
KUBE_SCHEDULER=$k8s/bin/kube-scheduler
KUBECTL=$k8s/bin/kubectl
ETCD=$etcd/bin/etcd
KWOK=$kwok/bin/kwok
KWOK_STAGES=$kwok/stages.yaml
VERSITYGW=$versitygw/bin/versitygw
HELM=$helm/bin/helm
METRICS_SERVER=$metrics_server/bin/metrics-server
KWOK_METRICS=$metrics_server/kwok-metrics.yaml
KWOK_USAGE_CRDS=$metrics_server/kwok-usage-crds.yaml
GATEWAY_API_CRDS=$gateway_api/standard-crds.yaml
OUT
if $real_node; then
  cat <<OUT
KUBELET=$node/bin/kubelet
KUBE_PROXY=$node/bin/kube-proxy
CONTAINERD=$containerd/bin/containerd
CONTAINERD_SHIM=$containerd/bin/containerd-shim-runc-v2
KANIKO_EXECUTOR=$kaniko/bin/executor
OUT
fi
