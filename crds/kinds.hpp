#pragma once

// The Kiln kinds as API resources, for the client and the manager.

#include <string>
#include <vector>

#include "operator/kube/resource_ref.hpp"

namespace kiln::api {

inline kube::ResourceRef models() {
  return {"kiln.dev", "v1alpha1", "models", "Model", true};
}
inline kube::ResourceRef environments() {
  return {"kiln.dev", "v1alpha1", "environments", "Environment", true};
}
inline kube::ResourceRef inference_services() {
  return {"kiln.dev", "v1alpha1", "inferenceservices", "InferenceService", true};
}
inline kube::ResourceRef model_packages() {
  return {"kiln.dev", "v1alpha1", "modelpackages", "ModelPackage", true};
}
inline std::vector<kube::ResourceRef> all_kinds() {
  return {models(), environments(), inference_services(), model_packages()};
}

}  // namespace kiln::api
