// Credentials against the real API server: in-cluster configuration (service
// account token file, CA bundle, KUBERNETES_SERVICE_HOST/PORT) and a token
// rotated on disk being picked up by the next request.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "operator/kube/kubeconfig.hpp"
#include "tests/integration/kube/kube_cluster_test.hpp"

namespace kiln::kube::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class AuthTest : public KubeClusterTest {
 protected:
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
    KubeClusterTest::TearDown();
  }
  static ResourceRef service_accounts() {
    return {"", "v1", "serviceaccounts", "ServiceAccount", true};
  }
  // A short-lived token for a new service account, from the TokenRequest API.
  std::string token_for(const std::string& sa) {
    client().create(
        service_accounts(),
        {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", sa}}}}, ns());
    json req = {{"apiVersion", "authentication.k8s.io/v1"},
                {"kind", "TokenRequest"},
                {"spec", {{"expirationSeconds", 3600}}}};
    auto resp = client().call(
        {"POST", service_accounts().path(ns(), sa, "token"), {}, req.dump(), "application/json"});
    return resp["status"]["token"];
  }
  // Who the API server thinks `c` is.
  static std::string whoami(RestClient& c) {
    json review = {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}};
    auto r = c.call({"POST",
                     "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                     {},
                     review.dump(),
                     "application/json"});
    return r["status"]["userInfo"]["username"];
  }
  std::string make_dir() {
    char tmpl[] = "/tmp/kiln-sa-XXXXXX";
    dir_ = mkdtemp(tmpl);
    return dir_;
  }
  static void write(const std::string& path, const std::string& content) {
    std::ofstream(path + ".tmp") << content;
    fs::rename(path + ".tmp", path);  // atomic, as the kubelet swaps projected tokens
  }

  std::string dir_;
};

TEST_F(AuthTest, InClusterConfigAuthenticatesAsTheServiceAccount) {
  auto dir = make_dir();
  write(dir + "/token", token_for("robot"));
  write(dir + "/ca.crt", load_kubeconfig(cluster().var("KUBECONFIG")).ca_pem);
  write(dir + "/namespace", ns());
  const std::string url = cluster().var("APISERVER_URL");  // https://127.0.0.1:PORT
  const std::string port = url.substr(url.rfind(':') + 1);
  setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", port.c_str(), 1);
  auto config = in_cluster_config(dir);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");

  EXPECT_EQ(config.default_namespace, ns());
  RestClient sa_client(config);
  EXPECT_EQ(whoami(sa_client), "system:serviceaccount:" + ns() + ":robot");
  // Without RBAC grants the account may not read ConfigMaps: a typed 403.
  EXPECT_THROW(sa_client.list(resources::config_maps(), ns()), ForbiddenError);
}

TEST_F(AuthTest, RotatedTokenFileIsUsedByTheNextRequest) {
  auto dir = make_dir();
  write(dir + "/token", token_for("first"));
  auto config = load_kubeconfig(cluster().var("KUBECONFIG"));
  config.client_cert_pem.clear();  // authenticate by token only
  config.client_key_pem.clear();
  config.token_file = dir + "/token";
  RestClient c(config);
  EXPECT_EQ(whoami(c), "system:serviceaccount:" + ns() + ":first");

  write(dir + "/token", token_for("second-account"));
  EXPECT_EQ(whoami(c), "system:serviceaccount:" + ns() + ":second-account");

  write(dir + "/token", "not-a-valid-token");
  EXPECT_THROW(whoami(c), UnauthorizedError);
}

}  // namespace
}  // namespace kiln::kube::testing
