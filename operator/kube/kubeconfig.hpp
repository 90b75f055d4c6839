#pragma once

#include <chrono>
#include <string>

namespace kiln::kube {

// Everything needed to reach and authenticate to one API server. Credentials
// are held as PEM text, not paths, so a config is self-contained once loaded.
struct ClientConfig {
  std::string server;  // https://host:port, no trailing slash
  std::string ca_pem;  // CA bundle; empty: the system trust store
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;       // static bearer token
  std::string token_file;  // bearer token re-read when the file changes (rotation)
  std::string username;    // basic auth, rarely used
  std::string password;
  bool insecure_skip_tls_verify = false;
  std::string default_namespace = "default";
  std::chrono::milliseconds request_timeout{30'000};  // non-watch requests
  std::string user_agent = "kiln/0.1";
};

// Parses kubeconfig YAML. `context` empty means current-context. Relative file
// paths are resolved against `base_dir` (the kubeconfig's directory).
// Throws std::runtime_error naming what is missing or unsupported.
ClientConfig parse_kubeconfig(const std::string& yaml_text, const std::string& base_dir = ".",
                              const std::string& context = "");

// Reads and parses a kubeconfig file.
ClientConfig load_kubeconfig(const std::string& path, const std::string& context = "");

// The pod's service-account config: KUBERNETES_SERVICE_HOST/PORT, the token
// (read from file so rotation is seen), ca.crt and namespace under `sa_dir`.
ClientConfig in_cluster_config(
    const std::string& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// In-cluster when running in a pod, else $KUBECONFIG (first entry), else
// ~/.kube/config — the order client-go uses.
ClientConfig default_config();

}  // namespace kiln::kube
