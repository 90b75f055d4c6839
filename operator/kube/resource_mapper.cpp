#include "operator/kube/resource_mapper.hpp"

namespace kiln::kube {

GroupVersionKind parse_gvk(std::string_view api_version, std::string_view kind) {
  GroupVersionKind gvk;
  auto slash = api_version.find('/');
  if (slash == std::string_view::npos) {
    gvk.version = std::string(api_version);
  } else {
    gvk.group = std::string(api_version.substr(0, slash));
    gvk.version = std::string(api_version.substr(slash + 1));
  }
  gvk.kind = std::string(kind);
  return gvk;
}

ResourceMapper::ResourceMapper(std::shared_ptr<RestClient> client) : client_(std::move(client)) {}

std::vector<ResourceRef> ResourceMapper::parse_resource_list(const std::string& group,
                                                             const std::string& version,
                                                             const nlohmann::json& list) {
  std::vector<ResourceRef> out;
  for (const auto& r : list.value("resources", nlohmann::json::array())) {
    std::string name = r.value("name", "");
    if (name.empty() || name.find('/') != std::string::npos) continue;  // pods/status etc.
    out.push_back({group, version, name, r.value("kind", ""), r.value("namespaced", false)});
  }
  return out;
}

const std::vector<ResourceRef>& ResourceMapper::fetch_locked(const std::string& gv, bool refresh,
                                                             const GroupVersionKind& gvk) {
  auto it = by_group_version_.find(gv);
  if (it != by_group_version_.end() && !refresh) return it->second;
  std::string path = gvk.group.empty() ? "/api/" + gvk.version : "/apis/" + gv;
  auto list = client_->call({"GET", path, {}, {}, {}});
  auto& slot = by_group_version_[gv];
  slot = parse_resource_list(gvk.group, gvk.version, list);
  return slot;
}

ResourceRef ResourceMapper::resource_for(const GroupVersionKind& gvk) {
  std::string gv = gvk.group.empty() ? gvk.version : gvk.group + "/" + gvk.version;
  std::lock_guard g(mu_);
  bool had = by_group_version_.contains(gv);
  for (bool refresh : {false, true}) {
    if (refresh && !had) break;  // just fetched: a second read would say the same
    for (const auto& r : fetch_locked(gv, refresh, gvk)) {
      if (r.kind == gvk.kind) return r;
    }
  }
  throw UnknownKindError("no resource for kind " + gvk.kind + " in " + gv);
}

ResourceRef ResourceMapper::resource_for_object(const nlohmann::json& object) {
  return resource_for(object.value("apiVersion", ""), object.value("kind", ""));
}

void ResourceMapper::invalidate() {
  std::lock_guard g(mu_);
  by_group_version_.clear();
}

}  // namespace kiln::kube
