#pragma once

#include <memory>

#include "operator/kube/rest_client.hpp"
#include "operator/runtime/lease_lock.hpp"

namespace kiln::manager {

// The runtime's LeaseStore over the Kubernetes REST client: API answers map
// to the outcomes leader election decides on (409 -> conflict, 404 -> not found).
class RestLeaseStore final : public runtime::LeaseStore {
 public:
  explicit RestLeaseStore(std::shared_ptr<kube::RestClient> client) : client_(std::move(client)) {}

  // Each call is bounded by `timeout` (a kube::CallScope deadline).
  runtime::LeaseStoreResult get(const std::string& ns, const std::string& name,
                                Timeout timeout) override;
  runtime::LeaseStoreResult create(const std::string& ns, const nlohmann::json& lease,
                                   Timeout timeout) override;
  runtime::LeaseStoreResult update(const std::string& ns, const std::string& name,
                                   const nlohmann::json& lease, Timeout timeout) override;

 private:
  std::shared_ptr<kube::RestClient> client_;
};

}  // namespace kiln::manager
