#!/usr/bin/env bash
# The main job on the real node (scripts/demo.sh calls it): Kiln's
# images built by kaniko on the node, kiln-operator started against the local
# control plane, then the seeds' diabetes model as a Model (from a PVC), an
# Environment adding scikit-learn (built by the operator's kaniko Job) and an
# InferenceService serving the seeds' score.py; `kubectl get kiln` shows them
# Ready and the seeds' request is scored through the Service with the key.
# The operator stops at the end; the objects stay (namespace kiln-demo).
#
#   scripts/demo_on_node.sh [--dir CLUSTER_DIR] [--build-dir BUILD]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/paths.sh"
dir="$KILN_CACHE/cluster/default" build="$root/build"
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    *) echo "demo-node: unknown argument $1" >&2; exit 2 ;;
  esac
done
. "$dir/env"
[ -n "${KILN_REAL_NODE:-}" ] || { echo "demo-node: the cluster has no real node (cluster.sh up --real-node)" >&2; exit 1; }
ns=kiln-demo
kubectl() { "$KUBECTL" --kubeconfig="$dir/kubeconfig" -n "$ns" "$@"; }
say() { echo "demo-node: $*"; }
began=$SECONDS

say "Kiln's images, built by kaniko on $KILN_REAL_NODE (cached by content)"
"$root/packaging/images/build.sh" --cluster-dir "$dir" --build-dir "$build" >"$dir/kiln-images.env"
. "$dir/kiln-images.env"

kubectl apply --server-side --field-manager=kiln-demo -f "$root/crds/" >/dev/null
"$KUBECTL" --kubeconfig="$dir/kubeconfig" create namespace "$ns" --dry-run=client -o yaml |
  kubectl apply -f - >/dev/null
models="$dir/demo-models"
mkdir -p "$models" && chmod 755 "$models"
"$KILN_VENV/bin/python" "$root/server/examples/diabetes/train.py" "$models" >/dev/null
chmod 644 "$models/sklearn_regression_model.pkl"

kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata: {name: kiln-registry-push}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths": {}}'}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: kiln-demo-models}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadOnlyMany]
  storageClassName: ""
  claimRef: {namespace: $ns, name: models}
  hostPath: {path: $models, type: Directory}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: models}
spec:
  accessModes: [ReadOnlyMany]
  storageClassName: ""
  volumeName: kiln-demo-models
  resources: {requests: {storage: 1Gi}}
EOF
kubectl create configmap diabetes-score --from-file="$root/server/examples/diabetes/score.py" \
  --dry-run=client -o yaml | kubectl apply -f - >/dev/null

say "starting kiln-operator (log: $dir/logs/kiln-operator-demo.log)"
"$build/operator/app/kiln-operator" --kubeconfig "$dir/kubeconfig" --namespace "$ns" \
  --system-namespace "$ns" --no-leader-elect --metrics-bind-address 0 \
  --health-probe-bind-address 127.0.0.1:0 \
  --registry "$KILN_REGISTRY" --registry-plain-http --registry-secret "$ns/kiln-registry-push" \
  --fetch-image "$KILN_IMAGE_FETCH" --builder-image "$KILN_IMAGE_KANIKO" \
  --runtime-image "$KILN_IMAGE_RUNTIME" --serve-wheels-image "$KILN_IMAGE_SERVE_WHEELS" --pip-index-url "$KILN_PYPI_INDEX" \
  --job-node-selector kiln.dev/real-node=true --job-toleration kiln.dev/real-node=true:NoSchedule \
  >"$dir/logs/kiln-operator-demo.log" 2>&1 &
operator=$!
trap 'kill -TERM $operator 2>/dev/null; wait $operator 2>/dev/null || true' EXIT

say "applying the Model, the Environment and the InferenceService"
kubectl apply -f - <<'EOF'
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata: {name: diabetes}
spec:
  source: {uri: pvc://models/sklearn_regression_model.pkl}
  format: pickle
  framework: scikit-learn
---
apiVersion: kiln.dev/v1alpha1
kind: Environment
metadata: {name: sklearn}
spec:
  python:
    pip: ["scikit-learn==1.9.1"]
---
apiVersion: kiln.dev/v1alpha1
kind: InferenceService
metadata: {name: diabetes}
spec:
  models: [{name: diabetes}]
  environmentRef: {name: sklearn}
  inferenceConfig:
    entryScript: score.py
    source: {configMap: {name: diabetes-score}}
  target: cluster
  replicas: 1
  auth: {enabled: true}
  resources: {requests: {cpu: 100m, memory: 256Mi}}
  nodeSelector: {kiln.dev/real-node: "true"}
  tolerations: [{key: kiln.dev/real-node, operator: Equal, value: "true", effect: NoSchedule}]
EOF
kubectl wait --for=condition=Ready model/diabetes --timeout=300s >/dev/null
kubectl wait --for=condition=Ready environment/sklearn --timeout=900s >/dev/null
kubectl wait --for=condition=Ready inferenceservice/diabetes --timeout=300s >/dev/null
kubectl get kiln

ip=$(kubectl get service diabetes -o jsonpath='{.spec.clusterIP}')
key=$(kubectl get secret diabetes-keys -o jsonpath='{.data.primaryKey}' | base64 -d)
request='{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'
say "POST http://$ip/score with the key: $(curl -s -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' -d "$request" "http://$ip/score")"
say "without the key: HTTP $(curl -s -o /dev/null -w '%{http_code}' -d "$request" "http://$ip/score")"
say "done in $((SECONDS - began)) s; the objects stay in namespace $ns"
