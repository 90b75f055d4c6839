#!/usr/bin/env bash
# The real node's images, from Debian packages and the programs build.sh made,
# built once per content into $KILN_CACHE/images/<name>-<key>/ (OCI layouts)
# and pushed to the cluster's registry.
#
#   images.sh build               build what is missing (prints nothing)
#   images.sh push REGISTRY       build what is missing, push all, print
#                                 KILN_IMAGE_<NAME>=REGISTRY/kiln/<name>@sha256:... lines
#
# The kaniko executor comes from `tests/cluster/build.sh --real-node` (run it first).
# Images:
#   pause    the pod sandbox, compiled from Kubernetes' own build/pause/linux/pause.c
#   debian   Debian bookworm (minbase + python3, python3-venv) made by mmdebstrap: the base
#            that test pods run and that Dockerfiles build FROM (a build arg)
#   kaniko   the in-cluster image builder: the kaniko executor on its own
# Each key hashes everything its image is made from (sources, package lists,
# its build function here and oci_image.py), so a change rebuilds exactly what
# it affects; older builds are removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/paths.sh"
store="$KILN_CACHE/images"
oci() { python3 "$here/oci_image.py" "$@"; }

# Bump to rebuild every image when how they are made changes.
revision=1
suite=bookworm
debian_packages=(python3 python3-venv)

log() { echo "images: $*" >&2; }

key() {  # key NAME INPUT...: a digest of how NAME is built and of files and words
  local item
  {
    echo "$revision"
    sha256sum "$here/oci_image.py" | cut -d' ' -f1
    declare -f "build_$1"
    shift
    for item in "$@"; do
      if [ -f "$item" ]; then sha256sum "$item" | cut -d' ' -f1; else echo "$item"; fi
    done
  } | sha256sum | cut -c1-16
}

# ensure NAME KEY: sets $layout; returns 0 when it is already built
ensure() {
  layout="$store/$1-$2"
  [ -f "$layout/index.json" ] && return 0
  log "building $1 -> $layout"
  return 1
}

kubernetes_source() {
  (cd "$here/../tools/node" && go mod download k8s.io/kubernetes &&
    go list -m -f '{{.Dir}}' k8s.io/kubernetes)
}

build_pause() {
  local src tmp
  src="$(kubernetes_source)/build/pause/linux/pause.c"
  ensure pause "$(key pause "$src" "$(gcc --version | head -1)")" && return 0
  tmp=$(mktemp -d)
  # As build/pause/Makefile compiles it (TAG 3.10.1 there).
  gcc -Os -Wall -Werror -static -DVERSION=v3.10.1-kiln -o "$tmp/pause" "$src"
  strip "$tmp/pause"
  oci build --out "$layout" --file "$tmp/pause:/pause" --entrypoint '["/pause"]' >/dev/null
  rm -rf "$tmp"
  touch "$layout/.new"
}

build_debian() {
  ensure debian "$(key debian "$suite" "${debian_packages[@]}")" && return 0
  local tmp
  tmp=$(mktemp -d)
  # minbase: essential packages and apt; no documentation; no apt lists (pods
  # reach no mirror: whatever an image needs is installed here).
  SOURCE_DATE_EPOCH=0 nice mmdebstrap --quiet --variant=minbase --mode=root \
    --include="$(IFS=,; echo "${debian_packages[*]}")" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    "$suite" "$tmp/rootfs.tar"
  oci build --out "$layout" --rootfs "$tmp/rootfs.tar" --cmd '["/bin/bash"]' --level 1 >/dev/null
  rm -rf "$tmp"
  touch "$layout/.new"
}

build_kaniko() {
  if [ -z "${KANIKO_EXECUTOR:-}" ]; then
    KANIKO_EXECUTOR=$("$here/../build.sh" --print --real-node | sed -n 's/^KANIKO_EXECUTOR=//p')
  fi
  ensure kaniko "$(key kaniko "$KANIKO_EXECUTOR")" && return 0
  local tmp
  tmp=$(mktemp -d)
  echo '{}' >"$tmp/config.json"
  echo 'hosts: files dns' >"$tmp/nsswitch.conf"
  # Laid out as kaniko's own image (deploy/Dockerfile): the executor in /kaniko,
  # which it never snapshots into the image it builds.
  oci build --out "$layout" --file "$KANIKO_EXECUTOR:/kaniko/executor" \
    --file "$tmp/config.json:/kaniko/.docker/config.json:644" \
    --file "$tmp/nsswitch.conf:/etc/nsswitch.conf:644" \
    --env PATH=/usr/local/bin:/kaniko --env HOME=/root --env USER=root \
    --env DOCKER_CONFIG=/kaniko/.docker/ --env SSL_CERT_DIR=/kaniko/ssl/certs \
    --workdir /workspace --entrypoint '["/kaniko/executor"]' >/dev/null
  rm -rf "$tmp"
  touch "$layout/.new"
}

build_all() {
  mkdir -p "$store"
  local name start
  for name in pause debian kaniko; do
    start=$SECONDS
    build_"$name"
    if [ -f "$layout/.new" ]; then
      rm "$layout/.new"
      log "built $name in $((SECONDS - start)) s"
      # Older builds of the same image are no longer wanted.
      find "$store" -maxdepth 1 -name "$name-*" ! -path "$layout" -exec rm -rf {} +
    fi
    eval "layout_$name=\$layout"
  done
}

case ${1:-} in
  build) build_all ;;
  push)
    [ -n "${2:-}" ] || { log "push wants the registry (HOST:PORT)"; exit 2; }
    build_all
    for name in pause debian kaniko; do
      eval "src=\$layout_$name"
      digest=$(oci push "$src" "$2/kiln/$name:${src##*-}")
      echo "KILN_IMAGE_${name^^}=$2/kiln/$name@$digest"
    done
    ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
