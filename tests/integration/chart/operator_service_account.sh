#!/usr/bin/env bash
# The RBAC proof's setup and cleanup (ctest fixture `chart_operator_sa`):
#   operator_service_account.sh up   applies the chart's ServiceAccount and
#       operator RBAC (helm template of charts/kiln, release `kiln`, namespace
#       kiln-rbac-proof), asks the TokenRequest API for a token of that
#       ServiceAccount, and writes $KILN_CLUSTER_DIR/kiln-operator-sa.kubeconfig:
#       the cluster's server and CA with that token, no admin credentials.
#   operator_service_account.sh down deletes them.
# The InferenceService scenario then runs kiln-operator with that kubeconfig
# (ctest `rbac.InferenceServiceTest.*`, KILN_TEST_OPERATOR_KUBECONFIG).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
: "${KILN_CLUSTER_DIR:?set KILN_CLUSTER_DIR to the test cluster directory}"
. "$KILN_CLUSTER_DIR/env"
: "${HELM:=$("$root/tests/cluster/build.sh" --print | sed -n "s/^HELM=//p")}"
ns=kiln-rbac-proof
kubeconfig="$KILN_CLUSTER_DIR/kiln-operator-sa.kubeconfig"
k() { "$KUBECTL" --kubeconfig="$KUBECONFIG" "$@"; }
rbac() {
  "$HELM" template kiln "$root/charts/kiln" --namespace "$ns" --set scheduler.enabled=false \
    --show-only templates/serviceaccounts.yaml --show-only templates/operator-rbac.yaml
}

up() {
  k create namespace "$ns" --dry-run=client -o yaml | k apply --server-side -f - >/dev/null
  rbac | k apply --server-side --field-manager=kiln-rbac-proof -f - >/dev/null
  local token server ca
  token=$(k -n "$ns" create token kiln-operator --duration=3h)
  server=$(k config view --raw --minify --flatten -o jsonpath="{.clusters[0].cluster.server}")
  ca=$(k config view --raw --minify --flatten \
    -o jsonpath="{.clusters[0].cluster.certificate-authority-data}")
  umask 077
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "  - name: kiln-test"
    echo "    cluster: {server: \"$server\", certificate-authority-data: \"$ca\"}"
    echo "users:"
    echo "  - name: kiln-operator"
    echo "    user: {token: \"$token\"}"
    echo "contexts:"
    echo "  - name: kiln-operator"
    echo "    context: {cluster: kiln-test, user: kiln-operator}"
    echo "current-context: kiln-operator"
  } >"$kubeconfig"
  # The token really is the ServiceAccount's, with no more rights than the chart's role.
  local who
  who=$("$KUBECTL" --kubeconfig="$kubeconfig" auth whoami -o jsonpath="{.status.userInfo.username}")
  if [ "$who" != "system:serviceaccount:$ns:kiln-operator" ]; then
    echo "the token authenticates as $who" >&2
    exit 1
  fi
  if "$KUBECTL" --kubeconfig="$kubeconfig" auth can-i create clusterroles >/dev/null; then
    echo "the chart's ServiceAccount may create clusterroles: the proof would prove nothing" >&2
    exit 1
  fi
  echo "wrote $kubeconfig ($who)"
}

down() {
  rbac | k delete --ignore-not-found -f - >/dev/null
  k delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  rm -f "$kubeconfig"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
