#include "operator/runtime/lease_lock.hpp"

#include "operator/kube/api_time.hpp"

namespace kiln::runtime {
namespace {

std::optional<std::chrono::system_clock::time_point> time_field(const nlohmann::json& spec,
                                                                const char* key) {
  auto it = spec.find(key);
  if (it == spec.end() || !it->is_string()) return std::nullopt;
  return kube::parse_api_time(it->get_ref<const std::string&>());
}

int int_field(const nlohmann::json& spec, const char* key) {
  auto it = spec.find(key);
  return it != spec.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

nlohmann::json lease_spec_from_record(const LeaderElectionRecord& record) {
  nlohmann::json spec = {{"holderIdentity", record.holder_identity},
                         {"leaseDurationSeconds", record.lease_duration_seconds},
                         {"leaseTransitions", record.lease_transitions}};
  if (record.acquire_time) spec["acquireTime"] = kube::format_api_micro_time(*record.acquire_time);
  if (record.renew_time) spec["renewTime"] = kube::format_api_micro_time(*record.renew_time);
  return spec;
}

LeaderElectionRecord record_from_lease_spec(const nlohmann::json& spec) {
  LeaderElectionRecord record;
  if (!spec.is_object()) return record;
  if (auto it = spec.find("holderIdentity"); it != spec.end() && it->is_string()) {
    record.holder_identity = it->get<std::string>();
  }
  record.lease_duration_seconds = int_field(spec, "leaseDurationSeconds");
  record.lease_transitions = int_field(spec, "leaseTransitions");
  record.acquire_time = time_field(spec, "acquireTime");
  record.renew_time = time_field(spec, "renewTime");
  return record;
}

LeaseLock::LeaseLock(LeaseStore& store, std::string ns, std::string name)
    : store_(store), ns_(std::move(ns)), name_(std::move(name)) {}

LeaseLock::Observed LeaseLock::get(LeaseStore::Timeout timeout) {
  auto result = store_.get(ns_, name_, timeout);
  Observed observed{result.status, std::nullopt, std::move(result.message)};
  if (result.status == LeaseStoreStatus::ok) {
    observed.record = record_from_lease_spec(result.lease.value("spec", nlohmann::json::object()));
    last_lease_ = std::move(result.lease);
  } else if (result.status == LeaseStoreStatus::not_found) {
    last_lease_.reset();
  }
  return observed;
}

LeaseStoreResult LeaseLock::create(const LeaderElectionRecord& record,
                                   LeaseStore::Timeout timeout) {
  nlohmann::json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                          {"kind", "Lease"},
                          {"metadata", {{"name", name_}, {"namespace", ns_}}},
                          {"spec", lease_spec_from_record(record)}};
  auto result = store_.create(ns_, lease, timeout);
  if (result.status == LeaseStoreStatus::ok) last_lease_ = result.lease;
  return result;
}

LeaseStoreResult LeaseLock::update(const LeaderElectionRecord& record,
                                   LeaseStore::Timeout timeout) {
  if (!last_lease_) {
    return {LeaseStoreStatus::error, {}, "lease " + describe() + " not read before update"};
  }
  nlohmann::json lease = *last_lease_;
  lease["spec"] = lease_spec_from_record(record);
  auto result = store_.update(ns_, name_, lease, timeout);
  if (result.status == LeaseStoreStatus::ok) last_lease_ = result.lease;
  return result;
}

}  // namespace kiln::runtime
