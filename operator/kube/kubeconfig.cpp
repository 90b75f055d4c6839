#include "operator/kube/kubeconfig.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiln::kube {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string base64_decode(const std::string& in) {
  static constexpr unsigned char kInvalid = 0xff;
  unsigned char table[256];
  std::fill(std::begin(table), std::end(table), kInvalid);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    unsigned char v = table[static_cast<unsigned char>(c)];
    if (v == kInvalid) {
      if (std::isspace(static_cast<unsigned char>(c))) continue;
      throw std::runtime_error("invalid base64 in kubeconfig");
    }
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).string();
}

// The entry of a named list (clusters, users, contexts) whose name matches.
YAML::Node find_named(const YAML::Node& root, const char* list, const char* inner,
                      const std::string& name) {
  for (const auto& entry : root[list]) {
    if (entry["name"] && entry["name"].as<std::string>() == name) return entry[inner];
  }
  throw std::runtime_error(std::string("kubeconfig: no ") + inner + " named '" + name + "'");
}

std::string str(const YAML::Node& n, const char* key) {
  return n && n[key] ? n[key].as<std::string>() : std::string();
}

// Inline *-data (base64) wins over the file, as in client-go.
std::string data_or_file(const YAML::Node& n, const std::string& key, const std::string& base_dir) {
  if (auto data = str(n, (key + "-data").c_str()); !data.empty()) return base64_decode(data);
  if (auto file = str(n, key.c_str()); !file.empty()) return read_file(resolve(file, base_dir));
  return {};
}

}  // namespace

ClientConfig parse_kubeconfig(const std::string& yaml_text, const std::string& base_dir,
                              const std::string& context) {
  YAML::Node root = YAML::Load(yaml_text);
  std::string ctx_name = context.empty() ? str(root, "current-context") : context;
  if (ctx_name.empty())
    throw std::runtime_error("kubeconfig: no context given and no current-context");
  YAML::Node ctx = find_named(root, "contexts", "context", ctx_name);
  YAML::Node cluster = find_named(root, "clusters", "cluster", str(ctx, "cluster"));

  ClientConfig cfg;
  cfg.server = str(cluster, "server");
  if (cfg.server.empty()) throw std::runtime_error("kubeconfig: cluster has no server");
  while (!cfg.server.empty() && cfg.server.back() == '/') cfg.server.pop_back();
  cfg.ca_pem = data_or_file(cluster, "certificate-authority", base_dir);
  cfg.insecure_skip_tls_verify =
      cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>();
  if (auto ns = str(ctx, "namespace"); !ns.empty()) cfg.default_namespace = ns;

  if (auto user_name = str(ctx, "user"); !user_name.empty()) {
    YAML::Node user = find_named(root, "users", "user", user_name);
    if (user["exec"] || user["auth-provider"]) {
      throw std::runtime_error("kubeconfig: exec and auth-provider credentials are not supported");
    }
    cfg.client_cert_pem = data_or_file(user, "client-certificate", base_dir);
    cfg.client_key_pem = data_or_file(user, "client-key", base_dir);
    cfg.token = str(user, "token");
    cfg.token_file = resolve(str(user, "tokenFile"), base_dir);
    cfg.username = str(user, "username");
    cfg.password = str(user, "password");
    if (cfg.client_cert_pem.empty() != cfg.client_key_pem.empty()) {
      throw std::runtime_error("kubeconfig: client certificate and key must be given together");
    }
  }
  return cfg;
}

ClientConfig load_kubeconfig(const std::string& path, const std::string& context) {
  return parse_kubeconfig(read_file(path), fs::path(path).parent_path().string(), context);
}

ClientConfig in_cluster_config(const std::string& sa_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    throw std::runtime_error("not in a cluster: KUBERNETES_SERVICE_HOST/PORT unset");
  }
  ClientConfig cfg;
  std::string h = host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6 literal
  cfg.server = "https://" + h + ":" + port;
  cfg.token_file = sa_dir + "/token";
  read_file(cfg.token_file);  // fail early when the token is not mounted
  cfg.ca_pem = read_file(sa_dir + "/ca.crt");
  if (fs::exists(sa_dir + "/namespace")) {
    std::string ns = read_file(sa_dir + "/namespace");
    while (!ns.empty() && std::isspace(static_cast<unsigned char>(ns.back()))) ns.pop_back();
    if (!ns.empty()) cfg.default_namespace = ns;
  }
  return cfg;
}

ClientConfig default_config() {
  if (std::getenv("KUBERNETES_SERVICE_HOST") != nullptr &&
      fs::exists("/var/run/secrets/kubernetes.io/serviceaccount/token")) {
    return in_cluster_config();
  }
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    std::string first = env;
    first = first.substr(0, first.find(':'));
    return load_kubeconfig(first);
  }
  const char* home = std::getenv("HOME");
  return load_kubeconfig(std::string(home ? home : "") + "/.kube/config");
}

}  // namespace kiln::kube
