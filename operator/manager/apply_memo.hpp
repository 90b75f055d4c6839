#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

namespace kiln::manager {

// What one server-side apply left on the server, enough to tell later from
// the informer's cached copy whether the object is still exactly that.
struct AppliedChild {
  // Hashes, not the strings: the memo holds an entry per child (tens of
  // thousands), and a collision only costs one more apply.
  std::uint64_t desired_hash = 0;  // of the applied object, as sent
  std::uint64_t uid_hash = 0;      // 0: no uid seen
  // Objects with a generation (Deployments, DaemonSets, HPAs, PDBs) are
  // compared by generation, since other controllers keep writing their
  // status; the others (Services, Secrets, ConfigMaps) by resourceVersion.
  std::int64_t generation = 0;
  std::uint64_t resource_version_hash = 0;
};

// The hash of a desired object, as ApplyMemo compares it.
std::uint64_t desired_hash(const nlohmann::json& desired);

// What an apply answered: `applied` is the API server's answer to applying
// `desired`.
AppliedChild applied_child(const nlohmann::json& desired, const nlohmann::json& applied);

// Whether `cached` (the informer's copy, possibly trimmed to metadata) is
// still what `last` applied for the same `desired`: same object (uid), not
// edited since (generation, or resourceVersion for kinds without one), and
// every label, annotation and owner reference `desired` sets still there.
// Pure: a stale cache only makes it answer false (one more, idempotent apply).
bool still_applied(const nlohmann::json& desired, const AppliedChild& last,
                   const nlohmann::json& cached);

// Per-controller memory of the last apply of each child (kind/namespace/name),
// so a reconcile skips server-side applies that would change nothing: the
// desired object is the one applied last time and the cache shows the object
// untouched since. Most reconciles are caused by the children's own status
// changes (a Deployment rolling out); without the memo each of them re-sends
// every child, which the API server must decode, merge and compare. An edited,
// deleted or re-created child no longer matches and is applied again; after a
// restart the memo is empty and every child is applied once. Thread-safe.
class ApplyMemo {
 public:
  bool current(const nlohmann::json& desired, const nlohmann::json* cached) const;
  void record(const nlohmann::json& desired, const nlohmann::json& applied);
  // Drops the entry (the child was deleted, or an apply failed).
  void forget(const nlohmann::json& desired);
  std::size_t size() const;

 private:
  static std::uint64_t key_of(const nlohmann::json& object);
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, AppliedChild> entries_;
};

}  // namespace kiln::manager
