#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "operator/kube/resource_ref.hpp"
#include "operator/kube/rest_client.hpp"

namespace kiln::kube {

struct GroupVersionKind {
  std::string group;  // "" for core
  std::string version;
  std::string kind;
};

// "apps/v1" + "Deployment" → {apps, v1, Deployment}.
GroupVersionKind parse_gvk(std::string_view api_version, std::string_view kind);

// Discovery answered but the group/version serves no such kind.
class UnknownKindError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Maps kinds to resources (plural name, namespaced or not) through API
// discovery, one request per group/version, cached. A miss re-reads the
// group/version once, since a CRD may have been installed since.
class ResourceMapper {
 public:
  explicit ResourceMapper(std::shared_ptr<RestClient> client);

  ResourceRef resource_for(const GroupVersionKind& gvk);
  ResourceRef resource_for(std::string_view api_version, std::string_view kind) {
    return resource_for(parse_gvk(api_version, kind));
  }
  // From an object's apiVersion and kind.
  ResourceRef resource_for_object(const nlohmann::json& object);
  void invalidate();

  // The resources of one APIResourceList (subresources skipped); exposed for tests.
  static std::vector<ResourceRef> parse_resource_list(const std::string& group,
                                                      const std::string& version,
                                                      const nlohmann::json& list);

 private:
  const std::vector<ResourceRef>& fetch_locked(const std::string& group_version, bool refresh,
                                               const GroupVersionKind& gvk);
  std::shared_ptr<RestClient> client_;
  std::mutex mu_;
  std::map<std::string, std::vector<ResourceRef>> by_group_version_;
};

}  // namespace kiln::kube
