#include "operator/manager/event_mapping.hpp"

#include "operator/kube/owner_references.hpp"

namespace kiln::manager {
namespace {

// The group of an apiVersion: "apps" of "apps/v1", "" of "v1".
std::string group_of(const std::string& api_version) {
  auto slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

}  // namespace

std::vector<Request> request_for_object(const nlohmann::json& object) {
  return {Request::of(object)};
}

std::optional<Request> controller_owner_request(const nlohmann::json& child,
                                                const kube::ResourceRef& owner) {
  auto ref = kube::controller_of(child);
  if (!ref) return std::nullopt;
  // Versions may differ (v1alpha1 vs v1beta1 of one kind); group and kind may not.
  if (ref->value("kind", "") != owner.kind ||
      group_of(ref->value("apiVersion", "")) != owner.group) {
    return std::nullopt;
  }
  const auto& meta = child.value("metadata", nlohmann::json::object());
  return Request{owner.namespaced ? meta.value("namespace", "") : "", ref->value("name", "")};
}

std::vector<Request> requests_by_index(const kube::ObjectCache& cache, std::string_view index,
                                       std::string_view value) {
  std::vector<Request> out;
  for (const auto& key : cache.keys_by_index(index, value)) out.push_back(Request::from_key(key));
  return out;
}

}  // namespace kiln::manager
