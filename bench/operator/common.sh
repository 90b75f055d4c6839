# Shared by bench/operator/isvc_to_ready.sh and chaos.sh (sourced). The
# callers define k (kubectl on their cluster).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# kwok_nodes PREFIX COUNT: COUNT KWOK nodes PREFIX-1.., 64 CPUs and 110 pods
# each, as YAML for `k apply -f -`.
kwok_nodes() {
  local i
  for i in $(seq 1 "$2"); do
    cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: $1-$i
  annotations: {node.alpha.kubernetes.io/ttl: "0", kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: $1-$i, kubernetes.io/os: linux, type: kwok}
status:
  capacity: {cpu: "64", memory: 512Gi, pods: "110"}
  allocatable: {cpu: "64", memory: 512Gi, pods: "110"}
YAML
  done
}

# ready_model_and_environment NAMESPACE: the Model diabetes (version 1) and
# the Environment sklearn, their status written as their controllers would
# (those controllers do not run in these benchmarks).
ready_model_and_environment() {
  local ns=$1
  local d1="sha256:$(printf '1%.0s' {1..64})" de="sha256:$(printf 'e%.0s' {1..64})"
  cat <<YAML | k -n "$ns" apply -f - >/dev/null
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata: {name: diabetes}
spec: {source: {uri: https://models.example.com/diabetes.pkl}}
---
apiVersion: kiln.dev/v1alpha1
kind: Environment
metadata: {name: sklearn}
spec: {python: {pip: [scikit-learn]}}
YAML
  k -n "$ns" patch model diabetes --subresource=status --type=merge -p \
    "{\"status\":{\"version\":1,\"digest\":\"$d1\",\"image\":\"registry.kiln.test/models/$ns/diabetes@$d1\",\"versions\":[{\"version\":1,\"digest\":\"$d1\",\"image\":\"registry.kiln.test/models/$ns/diabetes@$d1\"}]}}" >/dev/null
  k -n "$ns" patch environment sklearn --subresource=status --type=merge -p \
    "{\"status\":{\"phase\":\"Ready\",\"image\":\"registry.kiln.test/envs/$ns/sklearn@$de\"}}" >/dev/null
}
