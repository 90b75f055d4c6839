#include "reconcilers/inference_service/names.hpp"

#include "operator/kube/owner_references.hpp"

namespace kiln::reconcilers::inference_service {

using nlohmann::json;

json child_labels(const std::string& service) {
  return {{"app.kubernetes.io/name", "kiln-serve"},
          {"app.kubernetes.io/instance", service},
          {"app.kubernetes.io/managed-by", "kiln"},
          {kServiceLabel, service}};
}

json selector_labels(const std::string& service) {
  return {{kServiceLabel, service}};
}

json child_metadata(const json& owner, const std::string& name) {
  const auto& meta = owner.at("metadata");
  return {{"name", name},
          {"namespace", meta.value("namespace", "")},
          {"labels", child_labels(meta.value("name", ""))},
          {"ownerReferences", json::array({kube::controller_reference(owner)})}};
}

}  // namespace kiln::reconcilers::inference_service
