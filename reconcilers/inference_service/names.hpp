#pragma once

// Names and labels of an InferenceService's children.

#include <nlohmann/json.hpp>
#include <string>

namespace kiln::reconcilers::inference_service {

inline constexpr const char* kServiceLabel = "kiln.dev/inference-service";
inline constexpr const char* kFieldManager = "kiln";
inline constexpr const char* kServingContainer = "kiln-serve";
inline constexpr int kServingPort = 5001;
inline constexpr const char* kAppRoot = "/var/azureml-app";
inline constexpr const char* kModelsRoot = "/var/azureml-app/azureml-models";
inline constexpr const char* kSourceDir = "/var/azureml-app/source";
inline constexpr const char* kKeysDir = "/var/run/kiln/keys";

// Annotations the CLI sets to ask for a new key (RFC 3339 times).
inline constexpr const char* kRotatePrimaryAnnotation = "kiln.dev/rotate-primary-key-at";
inline constexpr const char* kRotateSecondaryAnnotation = "kiln.dev/rotate-secondary-key-at";
// Recorded on the keys Secret in the same write as the key it dates.
inline constexpr const char* kPrimaryRotatedAnnotation = "kiln.dev/primary-key-rotated-at";
inline constexpr const char* kSecondaryRotatedAnnotation = "kiln.dev/secondary-key-rotated-at";

// Node label and taint of edge nodes.
inline constexpr const char* kEdgeNodeLabel = "kiln.dev/edge";

// The Deployment/DaemonSet, Service, HPA and PDB carry the service's own name.
inline std::string workload_name(const std::string& service) {
  return service;
}
inline std::string keys_secret_name(const std::string& service) {
  return service + "-keys";
}
inline std::string script_config_map_name(const std::string& service) {
  return service + "-script";
}

// Labels on every child and on the pods; the selector uses only kServiceLabel.
nlohmann::json child_labels(const std::string& service);
nlohmann::json selector_labels(const std::string& service);

// metadata of a child: name, namespace, labels, the controller owner reference.
nlohmann::json child_metadata(const nlohmann::json& owner, const std::string& name);

}  // namespace kiln::reconcilers::inference_service
