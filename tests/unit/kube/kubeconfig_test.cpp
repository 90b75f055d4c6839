#include "operator/kube/kubeconfig.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace kiln::kube {
namespace {

namespace fs = std::filesystem;

// "-----BEGIN CERTIFICATE-----\nCA\n" and friends, base64-encoded.
constexpr const char* kCaB64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCg==";
constexpr const char* kCaPem = "-----BEGIN CERTIFICATE-----\nCA\n";

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/kiln-kubeconfig-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string kTwoContexts = std::string(R"(
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c-dev
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: )") +
                                 kCaB64 + R"(
- name: c-prod
  cluster:
    server: https://prod.example:443
    insecure-skip-tls-verify: true
users:
- name: u-token
  user:
    token: abc123
- name: u-cert
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: dev
  context: {cluster: c-dev, user: u-cert, namespace: team-a}
- name: prod
  context: {cluster: c-prod, user: u-token}
)";

TEST(Kubeconfig, CurrentContextWithInlineCertificates) {
  auto cfg = parse_kubeconfig(kTwoContexts);
  EXPECT_EQ(cfg.server, "https://127.0.0.1:6443");  // trailing slash dropped
  EXPECT_EQ(cfg.ca_pem, kCaPem);
  EXPECT_EQ(cfg.client_cert_pem, "CERT");
  EXPECT_EQ(cfg.client_key_pem, "KEY");
  EXPECT_TRUE(cfg.token.empty());
  EXPECT_FALSE(cfg.insecure_skip_tls_verify);
  EXPECT_EQ(cfg.default_namespace, "team-a");
}

TEST(Kubeconfig, NamedContextWithTokenAndInsecure) {
  auto cfg = parse_kubeconfig(kTwoContexts, ".", "prod");
  EXPECT_EQ(cfg.server, "https://prod.example:443");
  EXPECT_EQ(cfg.token, "abc123");
  EXPECT_TRUE(cfg.insecure_skip_tls_verify);
  EXPECT_TRUE(cfg.ca_pem.empty());
  EXPECT_TRUE(cfg.client_cert_pem.empty());
  EXPECT_EQ(cfg.default_namespace, "default");
}

TEST(Kubeconfig, FilesResolvedRelativeToTheKubeconfig) {
  TempDir dir;
  dir.write("ca.crt", "CA-FROM-FILE");
  dir.write("client.crt", "CERT-FROM-FILE");
  dir.write("client.key", "KEY-FROM-FILE");
  dir.write("token", "tok\n");
  auto path = dir.write("config", R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority: ca.crt}}]
users:
- name: u
  user: {client-certificate: client.crt, client-key: client.key, tokenFile: token}
contexts: [{name: x, context: {cluster: c, user: u}}]
)");
  auto cfg = load_kubeconfig(path);
  EXPECT_EQ(cfg.ca_pem, "CA-FROM-FILE");
  EXPECT_EQ(cfg.client_cert_pem, "CERT-FROM-FILE");
  EXPECT_EQ(cfg.client_key_pem, "KEY-FROM-FILE");
  EXPECT_EQ(cfg.token_file, dir.path() + "/token");
}

TEST(Kubeconfig, InlineDataWinsOverFile) {
  auto cfg = parse_kubeconfig(std::string(R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority: /nonexistent, certificate-authority-data: )") +
                              kCaB64 + R"(}}]
contexts: [{name: x, context: {cluster: c}}]
)");
  EXPECT_EQ(cfg.ca_pem, kCaPem);
}

TEST(Kubeconfig, Errors) {
  EXPECT_THROW(parse_kubeconfig(kTwoContexts, ".", "missing"), std::runtime_error);
  EXPECT_THROW(parse_kubeconfig("clusters: []\n"), std::runtime_error);  // no current-context
  EXPECT_THROW(parse_kubeconfig(R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://h:1"}}]
users: [{name: u, user: {exec: {command: aws}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
)"),
               std::runtime_error);
  EXPECT_THROW(parse_kubeconfig(R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://h:1"}}]
users: [{name: u, user: {client-certificate-data: Q0VSVA==}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
)"),
               std::runtime_error);  // a certificate without its key
  EXPECT_THROW(load_kubeconfig("/nonexistent/kubeconfig"), std::runtime_error);
}

TEST(InClusterConfig, ReadsServiceAccountAndEnvironment) {
  TempDir dir;
  dir.write("token", "sa-token");
  dir.write("ca.crt", "SA-CA");
  dir.write("namespace", "kiln-system\n");
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto cfg = in_cluster_config(dir.path());
  EXPECT_EQ(cfg.server, "https://10.96.0.1:443");
  EXPECT_EQ(cfg.ca_pem, "SA-CA");
  EXPECT_EQ(cfg.token_file, dir.path() + "/token");
  EXPECT_TRUE(cfg.token.empty());  // read per request, so rotation is seen
  EXPECT_EQ(cfg.default_namespace, "kiln-system");

  setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
  EXPECT_EQ(in_cluster_config(dir.path()).server, "https://[fd00::1]:443");

  unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_THROW(in_cluster_config(dir.path()), std::runtime_error);
  unsetenv("KUBERNETES_SERVICE_PORT");
}

}  // namespace
}  // namespace kiln::kube
