#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "operator/kube/rest_client.hpp"
#include "tests/support/cluster_fixture.hpp"

namespace kiln::kube::testing {

// A ClusterTest with a RestClient built from the cluster's kubeconfig (client
// certificate auth), plus the control-plane levers the watch tests need.
class KubeClusterTest : public kiln::testing::ClusterTest {
 protected:
  void SetUp() override;

  RestClient& client() { return *client_; }
  std::shared_ptr<RestClient> shared_client() { return client_; }

  // The shared test CRD `widgets.test.kiln.dev` (kind Widget, status
  // subresource; tests/support/widget_crd.yaml), installed and left for later tests.
  static ResourceRef widgets();
  void ensure_widget_crd();

  // The current etcd revision, read through etcd's JSON gateway.
  std::int64_t etcd_revision() const;
  // Compacts etcd up to its current revision, so any older resourceVersion is gone.
  void compact_etcd() const;
  // tests/cluster/cluster.sh restart-apiserver; returns once it answers again.
  void restart_apiserver() const;

 private:
  std::shared_ptr<RestClient> client_;
};

nlohmann::json config_map(const std::string& name,
                          const nlohmann::json& data = nlohmann::json::object());

}  // namespace kiln::kube::testing
