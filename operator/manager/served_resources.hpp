#pragma once

#include <stdexcept>
#include <string>

#include "operator/kube/resource_ref.hpp"
#include "operator/kube/rest_client.hpp"

namespace kiln::manager {

// The API server does not serve a resource a controller watches: for a
// custom resource, its CustomResourceDefinition is not installed.
class ResourceNotServedError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "widgets.test.kiln.dev/v1 (kind Widget) is not served by the API server:
// is its CustomResourceDefinition installed? (kubectl get crd widgets.test.kiln.dev)"
std::string not_served_message(const kube::ResourceRef& resource);

// Asks discovery (GET /apis/<group>/<version>, /api/v1) whether `resource`
// is served; throws ResourceNotServedError when it is not. Other failures
// (the server unreachable, 403) propagate as the client's errors.
void require_served(kube::RestClient& client, const kube::ResourceRef& resource);

}  // namespace kiln::manager
