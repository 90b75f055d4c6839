#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "operator/runtime/lease_lock.hpp"

namespace kiln::runtime::testing {

// A LeaseStore that behaves like the API server for Leases: create fails
// with conflict if the Lease exists, update fails with conflict unless
// metadata.resourceVersion matches, every write bumps resourceVersion.
class InMemoryLeaseStore final : public LeaseStore {
 public:
  LeaseStoreResult get(const std::string& ns, const std::string& name, Timeout) override {
    if (during_get) during_get();  // e.g. the read's latency, on a fake clock
    std::lock_guard guard(mutex_);
    ++gets;
    if (unavailable) return {LeaseStoreStatus::error, {}, "connection refused"};
    auto it = leases_.find(ns + "/" + name);
    if (it == leases_.end()) return {LeaseStoreStatus::not_found, {}, "not found"};
    return {LeaseStoreStatus::ok, it->second, ""};
  }

  LeaseStoreResult create(const std::string& ns, const nlohmann::json& lease, Timeout) override {
    if (before_create) {
      auto hook = std::move(before_create);  // runs once, outside the lock
      before_create = nullptr;
      hook();
    }
    std::lock_guard guard(mutex_);
    ++writes;
    if (unavailable) return {LeaseStoreStatus::error, {}, "connection refused"};
    const std::string key = ns + "/" + lease["metadata"]["name"].get<std::string>();
    if (leases_.contains(key)) return {LeaseStoreStatus::conflict, {}, "already exists"};
    nlohmann::json stored = lease;
    stored["metadata"]["resourceVersion"] = std::to_string(++version_);
    leases_[key] = stored;
    return {LeaseStoreStatus::ok, stored, ""};
  }

  LeaseStoreResult update(const std::string& ns, const std::string& name,
                          const nlohmann::json& lease, Timeout) override {
    if (before_update) {
      auto hook = std::move(before_update);  // runs once, outside the lock
      before_update = nullptr;
      hook();
    }
    std::lock_guard guard(mutex_);
    ++writes;
    if (unavailable) return {LeaseStoreStatus::error, {}, "connection refused"};
    auto it = leases_.find(ns + "/" + name);
    if (it == leases_.end()) return {LeaseStoreStatus::not_found, {}, "not found"};
    if (lease["metadata"].value("resourceVersion", "") !=
        it->second["metadata"]["resourceVersion"]) {
      return {LeaseStoreStatus::conflict, {}, "the object has been modified"};
    }
    nlohmann::json stored = lease;
    stored["metadata"]["resourceVersion"] = std::to_string(++version_);
    it->second = stored;
    return {LeaseStoreStatus::ok, stored, ""};
  }

  // The stored Lease's spec, for assertions.
  nlohmann::json spec(const std::string& ns, const std::string& name) {
    std::lock_guard guard(mutex_);
    auto it = leases_.find(ns + "/" + name);
    return it == leases_.end() ? nlohmann::json() : it->second["spec"];
  }

  void set_unavailable(bool value) {
    std::lock_guard guard(mutex_);
    unavailable = value;
  }

  int gets = 0;
  int writes = 0;
  bool unavailable = false;
  std::function<void()> before_update;  // simulates a write racing ours
  std::function<void()> before_create;  // simulates a create racing ours
  std::function<void()> during_get;

 private:
  std::mutex mutex_;
  std::map<std::string, nlohmann::json> leases_;
  long version_ = 0;
};

}  // namespace kiln::runtime::testing
