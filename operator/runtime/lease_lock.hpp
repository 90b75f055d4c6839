#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kiln::runtime {

// The part of a coordination.k8s.io/v1 Lease spec that leader election reads
// and writes (client-go resourcelock.LeaderElectionRecord).
struct LeaderElectionRecord {
  std::string holder_identity;  // empty: nobody holds the lease (released)
  int lease_duration_seconds = 0;
  std::optional<std::chrono::system_clock::time_point> acquire_time;  // MicroTime
  std::optional<std::chrono::system_clock::time_point> renew_time;    // MicroTime
  int lease_transitions = 0;

  bool operator==(const LeaderElectionRecord&) const = default;
};

// Lease spec <-> record. Times are MicroTime ("2006-01-02T15:04:05.000000Z");
// missing or unparsable fields read as empty / zero.
nlohmann::json lease_spec_from_record(const LeaderElectionRecord& record);
LeaderElectionRecord record_from_lease_spec(const nlohmann::json& spec);

enum class LeaseStoreStatus {
  ok,
  not_found,  // 404
  conflict,   // 409: resourceVersion mismatch on update, AlreadyExists on create
  error,      // anything else (network, 5xx, 403 ...)
};

struct LeaseStoreResult {
  LeaseStoreStatus status = LeaseStoreStatus::error;
  nlohmann::json lease;  // the Lease object the server returned (ok only)
  std::string message;   // why it failed, for logs
};

// The API calls leader election needs, kept abstract so the runtime does not
// depend on the Kubernetes client. Over the REST client they are:
//   get    GET  /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}
//   create POST /apis/coordination.k8s.io/v1/namespaces/{ns}/leases
//   update PUT  /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}
// `lease` is a whole Lease object; update sends metadata.resourceVersion so
// the API server rejects it with 409 if the Lease changed since it was read.
// Every call must return (an error) within `timeout`: the elector passes the
// time left before its renew deadline, so a stalled API server cannot keep a
// leader leading past it. Implementations must be safe to call from the
// elector's thread.
class LeaseStore {
 public:
  using Timeout = std::chrono::milliseconds;
  virtual ~LeaseStore() = default;
  virtual LeaseStoreResult get(const std::string& ns, const std::string& name, Timeout timeout) = 0;
  virtual LeaseStoreResult create(const std::string& ns, const nlohmann::json& lease,
                                  Timeout timeout) = 0;
  virtual LeaseStoreResult update(const std::string& ns, const std::string& name,
                                  const nlohmann::json& lease, Timeout timeout) = 0;
};

// One named Lease used as a lock (client-go resourcelock.LeaseLock). It keeps
// the Lease last read or written, so that an update carries that
// resourceVersion and loses to any write that happened in between.
// Not thread-safe: owned by one elector.
class LeaseLock {
 public:
  LeaseLock(LeaseStore& store, std::string ns, std::string name);

  struct Observed {
    LeaseStoreStatus status = LeaseStoreStatus::error;
    std::optional<LeaderElectionRecord> record;  // set when status is ok
    std::string message;
  };

  // Each call returns within `timeout` (see LeaseStore).
  Observed get(LeaseStore::Timeout timeout = std::chrono::seconds(30));
  LeaseStoreResult create(const LeaderElectionRecord& record,
                          LeaseStore::Timeout timeout = std::chrono::seconds(30));
  // Writes `record` into the Lease last seen; error if none was seen.
  LeaseStoreResult update(const LeaderElectionRecord& record,
                          LeaseStore::Timeout timeout = std::chrono::seconds(30));

  const std::string& ns() const { return ns_; }
  const std::string& name() const { return name_; }
  std::string describe() const { return ns_ + "/" + name_; }

 private:
  LeaseStore& store_;
  std::string ns_;
  std::string name_;
  std::optional<nlohmann::json> last_lease_;
};

}  // namespace kiln::runtime
