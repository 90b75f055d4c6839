#pragma once

// The whole decision for one InferenceService: from the service, what it
// references and the observed keys Secret, the children to apply and those
// to remove. Pure: the controller does the reads and writes.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "reconcilers/inference_service/keys.hpp"
#include "reconcilers/inference_service/model_resolution.hpp"
#include "reconcilers/inference_service/options.hpp"
#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::inference_service {

struct Inputs {
  const api::InferenceService& service;  // as stored (the API server applied the CRD defaults)
  const ModelsByName& models;            // the referenced Models that exist
  const std::optional<api::Environment>& environment;
  // config_map_content_hash() of the user's source ConfigMap; nullopt when absent.
  const std::optional<std::string>& script_config_map_hash;
  const nlohmann::json& keys_secret;  // the keys Secret as it exists, or null
  const FreshKeys& fresh_keys;
  const ServingOptions& options;
};

// A child that may exist but is not wanted any more (target or settings changed).
struct ChildRef {
  std::string api_version;
  std::string kind;
  std::string name;
  bool operator==(const ChildRef&) const = default;
};

struct DesiredState {
  // Server-side applied in this order (owner references set).
  std::vector<nlohmann::json> apply;
  std::vector<ChildRef> remove;
  // Whether `apply` holds the workload. When models, image or script cannot be
  // resolved the workload that runs is left alone (it keeps serving).
  bool workload_applied = false;
  std::vector<ResolvedModel> models;  // what the workload serves when applied
  std::string image;
  std::optional<Problem> models_problem;
  std::optional<Problem> image_problem;
  std::optional<Problem> script_problem;
  // The cluster lacks what spec.exposure or spec.tls needs.
  std::optional<Problem> exposure_problem;
  KeysPlan keys;
};

DesiredState desired_state(const Inputs& in);

// The InferenceService as an owner: apiVersion, kind, metadata.
nlohmann::json owner_of(const api::InferenceService& service);

}  // namespace kiln::reconcilers::inference_service
