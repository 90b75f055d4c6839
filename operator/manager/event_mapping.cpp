#include "operator/manager/event_mapping.hpp"

#include "operator/kube/object_cache.hpp"
#include "operator/kube/owner_references.hpp"

namespace kiln::manager {
namespace {

// The group of an apiVersion: "apps" of "apps/v1", "" of "v1".
std::string group_of(const std::string& api_version) {
  auto slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

}  // namespace

std::vector<std::string> key_of_object(const nlohmann::json& object) {
  return {kube::object_key(object)};
}

std::optional<std::string> controller_owner_key(const nlohmann::json& child,
                                                const kube::ResourceRef& owner) {
  auto ref = kube::controller_of(child);
  if (!ref) return std::nullopt;
  // Versions may differ (v1alpha1 vs v1beta1 of one kind); group and kind may not.
  if (ref->value("kind", "") != owner.kind ||
      group_of(ref->value("apiVersion", "")) != owner.group) {
    return std::nullopt;
  }
  const auto& meta = child.value("metadata", nlohmann::json::object());
  std::string ns = owner.namespaced ? meta.value("namespace", "") : "";
  return kube::object_key(ns, ref->value("name", ""));
}

}  // namespace kiln::manager
