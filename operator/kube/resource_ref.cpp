#include "operator/kube/resource_ref.hpp"

namespace kiln::kube {

std::string ResourceRef::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceRef::path(std::string_view ns, std::string_view name,
                              std::string_view subresource) const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) {
    p += "/namespaces/";
    p += ns;
  }
  p += "/" + resource;
  if (!name.empty()) {
    p += "/";
    p += name;
    if (!subresource.empty()) {
      p += "/";
      p += subresource;
    }
  }
  return p;
}

}  // namespace kiln::kube
