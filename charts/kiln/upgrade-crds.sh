#!/usr/bin/env bash
# The CRD upgrade step. Helm installs the chart's crds/ once and never
# upgrades them, so before `helm upgrade` to a new chart version run:
#   charts/kiln/upgrade-crds.sh [DIR]      (default: this chart's crds/)
# It server-side applies every CRD in DIR (forcing ownership of the fields
# the previous version set) and waits until each is Established. Fields are
# only ever added within v1alpha1, so existing objects stay valid.
# Environment: KUBECTL (default kubectl), KUBECONFIG as kubectl reads it.
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")" && pwd)/crds}
kubectl=${KUBECTL:-kubectl}
shopt -s nullglob
files=("$dir"/*.yaml "$dir"/*.yml "$dir"/*.json)
if [ ${#files[@]} = 0 ]; then
  echo "upgrade-crds.sh: no CRD files in $dir" >&2
  exit 2
fi
for f in "${files[@]}"; do
  "$kubectl" apply --server-side --force-conflicts --field-manager=kiln-crds -f "$f" -o name
done | while read -r crd; do
  "$kubectl" wait --for=condition=Established "$crd" --timeout=60s >/dev/null
  echo "$crd upgraded"
done
