#!/usr/bin/env bash
# Builds Kiln's images with kaniko on a cluster's real node and pushes them to
# the node's registry (tests/cluster/real_node.sh), cached by content.
#
#   packaging/images/build.sh --cluster-dir DIR [--build-dir BUILD] [IMAGE...]
#
# IMAGE: runtime, serve-wheels, fetch, operator, scheduler-extender (default:
# all). Prints one line per image,
#   KILN_IMAGE_<NAME>=<registry>/kiln/kiln-<image>@sha256:...
# and, on stderr, each image's size and whether it was built or cached.
#
# Each image is <image>.Dockerfile here with its base as the build argument
# BASE (here: the node's Debian base, KILN_IMAGE_DEBIAN). Its context is staged
# from the normal build's outputs (BUILD, default build/): the binaries,
# stripped, with the shared libraries they link besides glibc; the cp311
# kiln-serve wheel (packaging/wheels/build_wheels.sh with Debian's python3.11);
# Debian's libpython3.11 package (apt-get download). The key of an image hashes
# its Dockerfile, its staged context, the base, the builder and the labels; a
# kaniko Job on the real node (--reproducible, --no-push) writes the image as
# an OCI layout into $KILN_CACHE/images/kiln-<image>-<key>, which is then
# pushed. With every layout cached, a run only stages and pushes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/paths.sh"
store="$KILN_CACHE/images"
stage_root="$KILN_CACHE/image-contexts"
all_images=(runtime serve-wheels fetch operator scheduler-extender)
# Bump to rebuild every image when how they are made changes.
revision_of_script=1

log() { echo "images: $*" >&2; }
die() { log "$*"; exit 1; }

cluster_dir="" build_dir="$root/build" images=()
while [ $# -gt 0 ]; do
  case $1 in
    --cluster-dir) cluster_dir=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) images+=("$1"); shift ;;
  esac
done
[ -n "$cluster_dir" ] || die "--cluster-dir DIR is required (a cluster started with cluster.sh up --real-node)"
[ ${#images[@]} -gt 0 ] || images=("${all_images[@]}")
for image in "${images[@]}"; do
  [[ " ${all_images[*]} " == *" $image "* ]] || die "unknown image $image (one of: ${all_images[*]})"
done
[ -f "$cluster_dir/env" ] || die "$cluster_dir/env not found: is the cluster up?"
# shellcheck disable=SC1091
. "$cluster_dir/env"
[ -n "${KILN_REAL_NODE:-}" ] || die "the cluster in $cluster_dir has no real node (cluster.sh up --real-node)"
eval "$("$root/tests/cluster/build.sh" --print | grep '^KUBECTL=')"
kubectl() { "$KUBECTL" --kubeconfig="$cluster_dir/kubeconfig" "$@"; }
# oci_image.py's push, with the layout's own manifest type (kaniko writes a
# Docker manifest for FROM scratch).
push_layout() {  # push_layout LAYOUT REFERENCE: prints the digest
  python3 - "$root/tests/cluster/node" "$1" "$2" <<'PY'
import argparse, json, os, sys
sys.path.insert(0, sys.argv[1])
import oci_image
blobs = os.path.join(sys.argv[2], "blobs", "sha256")
index = json.load(open(os.path.join(sys.argv[2], "index.json")))
manifest = json.load(open(os.path.join(blobs, index["manifests"][0]["digest"].split(":")[1])))
oci_image.MANIFEST_TYPE = manifest.get("mediaType", oci_image.MANIFEST_TYPE)
oci_image.push(argparse.Namespace(layout=sys.argv[2], reference=sys.argv[3]))
PY
}
version=$(sed -n 's/^project(kiln VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
# The image's source revision: the last commit that changed what it is made of.
source_revision() { git -C "$root" log -1 --format=%H -- "$@" 2>/dev/null || echo unknown; }

binary_of() {
  case $1 in
    fetch) echo "$build_dir/fetch/kiln-fetch" ;;
    operator) echo "$build_dir/operator/app/kiln-operator" ;;
    scheduler-extender) echo "$build_dir/scheduler/kiln-scheduler-extender" ;;
  esac
}

# A binary, stripped, and every shared library it links but glibc's own.
stage_binary() {  # stage_binary BINARY DIR
  local binary=$1 dir=$2 lib
  [ -x "$binary" ] || die "$binary not built (cmake --build $build_dir --target $(basename "$binary"))"
  mkdir -p "$dir/lib"
  strip --strip-unneeded -o "$dir/$(basename "$binary")" "$binary"
  ldd "$binary" | awk '$3 ~ /^\// {print $3}' | while read -r lib; do
    case $(basename "$lib") in
      libc.so.* | libm.so.* | libresolv.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux*) ;;
      *) cp -L "$lib" "$dir/lib/" ;;
    esac
  done
}

# The cp311 kiln-serve wheel, built for Debian's own python3.11 (pyenv, if any, is ignored).
wheel_built=0
stage_wheel() {  # stage_wheel DIR
  local out="$root/build-wheels/images"
  if [ "$wheel_built" = 0 ]; then
    rm -rf "$out"
    PATH=/usr/local/bin:/usr/bin:/bin "$root/packaging/wheels/build_wheels.sh" --out "$out" 3.11 >&2
    wheel_built=1
  fi
  mkdir -p "$1"
  cp "$out"/kiln_serve-*-cp311-*.whl "$1/"
}

stage_debs() {  # stage_debs DIR: Debian's libpython3.11 (the version the host's apt offers)
  mkdir -p "$1"
  local cache="$KILN_CACHE/debs"
  mkdir -p "$cache"
  (cd "$cache" && { ls libpython3.11_*.deb >/dev/null 2>&1 || apt-get download -q libpython3.11 >&2; })
  cp "$cache"/libpython3.11_*.deb "$1/"
}

stage() {  # stage IMAGE DIR: the build context
  local image=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir"
  case $image in
    runtime)
      stage_wheel "$dir/wheels"
      stage_debs "$dir/debs"
      cp "$root/reconcilers/environment/files/install_serve.py" "$dir/"
      ;;
    serve-wheels) stage_wheel "$dir/wheels" ;;
    *) stage_binary "$(binary_of "$image")" "$dir" ;;
  esac
  cp "$here/$image.Dockerfile" "$dir/Dockerfile"
  # Reproducible contexts: fixed times and modes.
  find "$dir" -exec touch -h -d @0 {} +
}

revision_for() {
  case $1 in
    runtime | serve-wheels)
      source_revision server packaging/wheels reconcilers/environment/files "$here/$1.Dockerfile" ;;
    *)
      source_revision fetch operator controllers reconcilers crds scheduler cmake CMakeLists.txt \
        "$here/$1.Dockerfile" ;;
  esac
}

key_of() {  # key_of DIR BASE REVISION
  {
    echo "$revision_of_script $KILN_IMAGE_KANIKO $2 $3 $version"
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
}

# The kaniko Job building one context into an OCI layout on the node.
job_manifest() {  # job_manifest NAME CONTEXT OUT BASE REVISION
  local args=(--dockerfile=/workspace/Dockerfile --context=dir:///workspace
    "--build-arg=VERSION=$version" "--build-arg=REVISION=$5" --no-push
    --oci-layout-path=/out --reproducible --insecure-pull --snapshot-mode=redo)
  [ -n "$4" ] && args+=("--build-arg=BASE=$4")
  cat <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: $1, labels: {app.kubernetes.io/managed-by: kiln-images}}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      dnsPolicy: Default
      terminationGracePeriodSeconds: 1
      nodeSelector: {kiln.dev/real-node: "true"}
      tolerations: [{key: kiln.dev/real-node, operator: Equal, value: "true", effect: NoSchedule}]
      containers:
      - name: kaniko
        image: "$KILN_IMAGE_KANIKO"
        args:
$(printf '        - "%s"\n' "${args[@]}")
        volumeMounts:
        - {name: context, mountPath: /workspace, readOnly: true}
        - {name: out, mountPath: /out}
      volumes:
      - {name: context, hostPath: {path: "$2", type: Directory}}
      - {name: out, hostPath: {path: "$3", type: DirectoryOrCreate}}
EOF
}

size_of() {  # size_of LAYOUT: compressed bytes of config and layers
  python3 - "$1" <<'EOF'
import json, os, sys
blobs = os.path.join(sys.argv[1], "blobs", "sha256")
index = json.load(open(os.path.join(sys.argv[1], "index.json")))
manifest = json.load(open(os.path.join(blobs, index["manifests"][0]["digest"].split(":")[1])))
print(sum(b["size"] for b in [manifest["config"], *manifest["layers"]]))
EOF
}

namespace=kiln-images
started=$SECONDS
mkdir -p "$store" "$stage_root"
declare -A layout_of job_of
pending=()
for image in "${images[@]}"; do
  context="$stage_root/$image"
  stage "$image" "$context"
  base=$KILN_IMAGE_DEBIAN
  [ "$image" = serve-wheels ] && base=""
  revision=$(revision_for "$image")
  key=$(key_of "$context" "$base" "$revision")
  layout="$store/kiln-$image-$key"
  layout_of[$image]=$layout
  [ -f "$layout/index.json" ] && continue
  if [ ${#pending[@]} -eq 0 ]; then
    kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  fi
  # The context as built: a copy the next staging cannot change mid-build.
  rm -rf "$layout.context" "$layout.tmp"
  cp -a "$context" "$layout.context"
  job_of[$image]="kiln-image-$image-$key"
  kubectl -n "$namespace" delete job "${job_of[$image]}" --ignore-not-found --wait=true >/dev/null
  job_manifest "${job_of[$image]}" "$layout.context" "$layout.tmp" "$base" "$revision" |
    kubectl -n "$namespace" apply -f - >/dev/null
  pending+=("$image")
  log "building kiln-$image ($key) with kaniko on $KILN_REAL_NODE"
done

failed=0
for image in "${pending[@]}"; do
  layout=${layout_of[$image]}
  job=${job_of[$image]}
  if kubectl -n "$namespace" wait --for=condition=Complete "job/$job" --timeout=600s >/dev/null 2>&1 &&
    [ -f "$layout.tmp/index.json" ]; then
    mv "$layout.tmp" "$layout"
    kubectl -n "$namespace" delete job "$job" --wait=false >/dev/null
    # Older builds of the same image are no longer wanted.
    find "$store" -maxdepth 1 -name "kiln-$image-*" ! -path "$layout" -exec rm -rf {} +
  else
    log "building kiln-$image failed; the builder's log:"
    kubectl -n "$namespace" logs "job/$job" --tail=40 >&2 || true
    failed=1
  fi
  rm -rf "$layout.context" "$layout.tmp"
done
[ "$failed" = 0 ] || die "image builds failed"
[ ${#pending[@]} -eq 0 ] || kubectl delete namespace "$namespace" --wait=false >/dev/null

for image in "${images[@]}"; do
  layout=${layout_of[$image]}
  digest=$(push_layout "$layout" "$KILN_REGISTRY/kiln/kiln-$image:${layout##*-}")
  name=${image^^}
  echo "KILN_IMAGE_${name//-/_}=$KILN_REGISTRY/kiln/kiln-$image@$digest"
  built=cached
  [[ " ${pending[*]} " == *" $image "* ]] && built=built
  log "kiln-$image $(($(size_of "$layout") / 1024)) KiB ($built) $digest"
done
log "${#images[@]} images ready in $((SECONDS - started)) s (${#pending[@]} built)"
