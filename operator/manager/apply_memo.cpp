#include "operator/manager/apply_memo.hpp"

#include <functional>

#include "operator/kube/json_member.hpp"

namespace kiln::manager {
namespace {

using kube::json_integer;
using kube::json_member;
using kube::json_string;
using nlohmann::json;

std::uint64_t hash_of(const std::string& s) {
  return s.empty() ? 0 : std::hash<std::string>{}(s);
}

// Every key of `wanted` is in `have` with the same value.
bool contains_all(const json& have, const json& wanted) {
  if (!wanted.is_object()) return true;
  if (!have.is_object()) return wanted.empty();
  for (auto it = wanted.begin(); it != wanted.end(); ++it) {
    auto found = have.find(it.key());
    if (found == have.end() || *found != it.value()) return false;
  }
  return true;
}

// Every owner reference of `wanted` (by uid) is in `have`, the same.
bool has_owners(const json& have, const json& wanted) {
  if (!wanted.is_array()) return true;
  for (const auto& owner : wanted) {
    bool found = false;
    if (have.is_array()) {
      for (const auto& h : have) {
        if (json_string(h, "uid") == json_string(owner, "uid") && h == owner) found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

std::uint64_t desired_hash(const json& desired) {
  return std::hash<std::string>{}(desired.dump());
}

AppliedChild applied_child(const json& desired, const json& applied) {
  const json& meta = json_member(applied, "metadata");
  return {desired_hash(desired), hash_of(json_string(meta, "uid")),
          json_integer(meta, "generation"), hash_of(json_string(meta, "resourceVersion"))};
}

bool still_applied(const json& desired, const AppliedChild& last, const json& cached) {
  if (last.uid_hash == 0 || desired_hash(desired) != last.desired_hash) return false;
  const json& meta = json_member(cached, "metadata");
  if (hash_of(json_string(meta, "uid")) != last.uid_hash) return false;
  if (last.generation > 0) {
    if (json_integer(meta, "generation") != last.generation) return false;
  } else if (last.resource_version_hash == 0 ||
             hash_of(json_string(meta, "resourceVersion")) != last.resource_version_hash) {
    return false;
  }
  const json& want = json_member(desired, "metadata");
  return contains_all(json_member(meta, "labels"), json_member(want, "labels")) &&
         contains_all(json_member(meta, "annotations"), json_member(want, "annotations")) &&
         has_owners(json_member(meta, "ownerReferences"), json_member(want, "ownerReferences"));
}

std::uint64_t ApplyMemo::key_of(const json& object) {
  const json& meta = json_member(object, "metadata");
  return hash_of(json_string(object, "kind") + "/" + json_string(meta, "namespace") + "/" +
                 json_string(meta, "name"));
}

bool ApplyMemo::current(const json& desired, const json* cached) const {
  if (cached == nullptr) return false;
  std::lock_guard lock(mu_);
  auto it = entries_.find(key_of(desired));
  return it != entries_.end() && still_applied(desired, it->second, *cached);
}

void ApplyMemo::record(const json& desired, const json& applied) {
  auto entry = applied_child(desired, applied);
  std::lock_guard lock(mu_);
  entries_[key_of(desired)] = std::move(entry);
}

void ApplyMemo::forget(const json& desired) {
  std::lock_guard lock(mu_);
  entries_.erase(key_of(desired));
}

std::size_t ApplyMemo::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace kiln::manager
