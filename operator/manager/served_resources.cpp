#include "operator/manager/served_resources.hpp"

#include "operator/kube/api_error.hpp"
#include "operator/kube/resource_mapper.hpp"

namespace kiln::manager {

std::string not_served_message(const kube::ResourceRef& r) {
  const std::string name = r.group.empty() ? r.resource : r.resource + "." + r.group;
  std::string message =
      name + "/" + r.version + " (kind " + r.kind + ") is not served by the API server";
  if (r.group.find('.') != std::string::npos && r.group.find("k8s.io") == std::string::npos) {
    message += ": is its CustomResourceDefinition installed? (kubectl get crd " + name + ")";
  }
  return message;
}

void require_served(kube::RestClient& client, const kube::ResourceRef& resource) {
  const std::string path = resource.group.empty()
                               ? "/api/" + resource.version
                               : "/apis/" + resource.group + "/" + resource.version;
  kube::HttpRequest request;
  request.path = path;
  nlohmann::json list;
  try {
    list = client.call(request);
  } catch (const kube::NotFoundError&) {
    throw ResourceNotServedError(not_served_message(resource));
  }
  for (const auto& served :
       kube::ResourceMapper::parse_resource_list(resource.group, resource.version, list)) {
    if (served.resource == resource.resource) return;
  }
  throw ResourceNotServedError(not_served_message(resource));
}

}  // namespace kiln::manager
