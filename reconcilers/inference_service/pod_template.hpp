#pragma once

// The pod every replica runs: kiln-serve from the serving image, the models at
// the Azure ML v1 layout, the entry script, keys, limits, probes and placement.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crds/inference_service.hpp"
#include "reconcilers/inference_service/model_resolution.hpp"
#include "reconcilers/inference_service/options.hpp"
#include "reconcilers/inference_service/script_source.hpp"

namespace kiln::reconcilers::inference_service {

struct PodInputs {
  const api::InferenceService& service;
  const std::vector<ResolvedModel>& models;
  const std::string& image;  // serving image by digest
  const ScriptPlan& script;
  const std::string& keys_secret_name;  // "" when auth is off
  const ServingOptions& options;
};

// AZUREML_MODEL_DIR: /var/azureml-app/azureml-models/<name>/<version> for one
// model, /var/azureml-app/azureml-models for several.
std::string model_dir(const std::vector<ResolvedModel>& models);

// The pod template (metadata and spec) of the Deployment or DaemonSet.
nlohmann::json pod_template(const PodInputs& in);

// Seconds between SIGTERM-to-be and the end of the preStop sleep; kiln-serve
// then drains for at most kDrainSeconds.
inline constexpr int kPreStopSleepSeconds = 5;
inline constexpr int kDrainSeconds = 30;

}  // namespace kiln::reconcilers::inference_service
