#include "tests/integration/kube/kube_cluster_test.hpp"

#include <filesystem>

#include "operator/kube/kubeconfig.hpp"

namespace kiln::kube::testing {

using kiln::testing::run_command;
using nlohmann::json;

void KubeClusterTest::SetUp() {
  ClusterTest::SetUp();
  if (HasFatalFailure()) return;
  client_ = make_client(load_kubeconfig(cluster().var("KUBECONFIG")));
}

ResourceRef KubeClusterTest::widgets() {
  return {"test.kiln.dev", "v1", "widgets", "Widget", true};
}

void KubeClusterTest::ensure_widget_crd() {
  install_widget_crd();
  if (HasFatalFailure()) return;
  // The client must see it served too (its discovery may lag kubectl's).
  ASSERT_TRUE(eventually([&] {
    try {
      client_->list(widgets(), ns());
      return true;
    } catch (const ApiError&) {
      return false;
    }
  }));
}

std::int64_t KubeClusterTest::etcd_revision() const {
  // key "\0" with range_end "\0": the whole keyspace; only the header is read.
  auto r = run_command({"curl", "-sf", "-X", "POST", cluster().var("ETCD_URL") + "/v3/kv/range",
                        "-d", R"({"key":"AA==","range_end":"AA==","limit":1,"keys_only":true})"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return std::stoll(json::parse(r.output)["header"]["revision"].get<std::string>());
}

void KubeClusterTest::compact_etcd() const {
  auto rev = etcd_revision();
  auto r =
      run_command({"curl", "-sf", "-X", "POST", cluster().var("ETCD_URL") + "/v3/kv/compaction",
                   "-d", json{{"revision", std::to_string(rev)}, {"physical", true}}.dump()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void KubeClusterTest::restart_apiserver() const {
  // From the build, not __FILE__: ccache's CCACHE_BASEDIR makes __FILE__ relative.
  auto script = std::filesystem::path(KILN_SOURCE_DIR) / "tests" / "cluster" / "cluster.sh";
  auto r = run_command({script.string(), "restart-apiserver", "--dir", cluster().dir});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The other components reconnect with client-go's backoff (up to 30 s plus
  // jitter). Wait until the controller-manager works again — a new namespace
  // gets its default service account — so later tests find a whole cluster.
  const std::string kubectl_bin = cluster().var("KUBECTL");
  const std::string kubeconfig = cluster().var("KUBECONFIG");
  const std::string probe = ns() + "-probe";
  ASSERT_TRUE(eventually(
      [&] {
        return run_command({kubectl_bin, "--kubeconfig", kubeconfig, "create", "namespace", probe})
                       .exit_code == 0 ||
               run_command({kubectl_bin, "--kubeconfig", kubeconfig, "get", "namespace", probe})
                       .exit_code == 0;
      },
      std::chrono::seconds(60)));
  EXPECT_TRUE(eventually(
      [&] {
        return run_command({kubectl_bin, "--kubeconfig", kubeconfig, "-n", probe, "get",
                            "serviceaccount", "default"})
                   .exit_code == 0;
      },
      std::chrono::seconds(180)))
      << "controller-manager did not recover after the kube-apiserver restart";
  run_command(
      {kubectl_bin, "--kubeconfig", kubeconfig, "delete", "namespace", probe, "--wait=false"});
}

json config_map(const std::string& name, const json& data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", {{"kiln.dev/test", "yes"}}}}},
          {"data", data}};
}

}  // namespace kiln::kube::testing
