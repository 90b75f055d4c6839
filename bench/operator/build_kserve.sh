#!/usr/bin/env bash
# Builds KServe's controller manager (github.com/kserve/kserve/cmd/manager,
# the version pinned in bench/operator/kserve/go.mod) once, for the operator
# benchmark only, into $KILN_CACHE/tools/kserve-<version>-<digest>/bin/manager,
# and prints that path.
#
# Its webhook server cannot be disabled and binds every interface; the build
# compiles a copy of the module's cmd/manager/main.go, taken from the Go module
# cache at build time (nothing of KServe is kept in this repository), with
# `Host: "127.0.0.1"` added to its webhook.Options. Nothing else changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/paths.sh"
mod="$here/kserve"
version=$(awk '$1 == "github.com/kserve/kserve" {print $2; exit}' "$mod/go.mod")
digest=$( (cat "$mod/go.mod" "$mod/go.sum" "$0") | sha256sum | cut -c1-12)
dest="$KILN_CACHE/tools/kserve-$version-$digest"
if [ ! -x "$dest/bin/manager" ]; then
  command -v go >/dev/null || { echo "build_kserve.sh: Go is not on PATH" >&2; exit 1; }
  tmp="$dest.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp/src/manager" "$tmp/bin"
  cp "$mod/go.mod" "$mod/go.sum" "$tmp/src/"
  src=$(cd "$tmp/src" && go mod download -json github.com/kserve/kserve | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  sed 's|^\(\t*\)Port: options.webhookPort,|&\n\1Host: "127.0.0.1",|' \
    "$src/cmd/manager/main.go" >"$tmp/src/manager/main.go"
  grep -q 'Host: "127.0.0.1"' "$tmp/src/manager/main.go" ||
    { echo "build_kserve.sh: webhook.Options not found in $src/cmd/manager/main.go" >&2; exit 1; }
  start=$SECONDS
  echo "build_kserve.sh: building KServe $version's manager (a few minutes)" >&2
  (cd "$tmp/src" && nice go build -ldflags "-s -w" -o "$tmp/bin/manager" ./manager) >&2
  echo "build_kserve.sh: built in $((SECONDS - start)) s" >&2
  rm -rf "$tmp/src"
  mv "$tmp" "$dest"
fi
echo "$dest/bin/manager"
