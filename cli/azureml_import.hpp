#pragma once

// `kiln import`: Azure ML v1 deployment artefacts → Kiln resources.
//
//   inferenceconfig.json  entryScript, sourceDirectory, environment (docker
//                         baseImage/baseDockerfile/baseImageRegistry,
//                         environmentVariables, python: conda dependencies,
//                         pip, userManagedDependencies), and the older flat
//                         schema (baseImage, condaFile, runtime)
//   deploymentconfig.json computeType aci | aks | local → target dev | cluster
//                         | dev; autoScaler, numReplicas, authEnabled,
//                         containerResourceRequirements (cpu, memoryInGB,
//                         gpu, limits), scoringTimeoutMs,
//                         maxConcurrentRequestsPerContainer, maxQueueWaitMs,
//                         livenessProbeRequirements
//   --model NAME[:VERSION]=URI
//
// Every field that is not mapped is named in a warning; a wrong type or value
// is an error naming the file and the field. What comes out is validated with
// the Kiln API's own validation before it is printed.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kiln::cli {

struct ImportRequest {
  std::string name;                              // the InferenceService (and its children)
  std::optional<std::string> inference_config;   // path
  std::optional<std::string> deployment_config;  // path
  std::vector<std::string> models;               // NAME[:VERSION]=URI
  std::optional<std::string> target;             // dev | cluster | edge | accelerated
  std::optional<std::string> namespace_;         // metadata.namespace, if any
};

struct ImportResult {
  std::vector<nlohmann::json> objects;  // Model..., Environment, ConfigMap, InferenceService
  std::vector<std::string> warnings;    // "<file>: <field>: ..."
};

// Throws InputError (cli/render.hpp) naming the file and field.
ImportResult import_azureml(const ImportRequest& request);

// "python=3.6.2" → the oldest supported CPython when older ("python=3.8"),
// with `warning` set; other dependencies unchanged.
std::string supported_python_dependency(const std::string& dependency, std::string& warning);

// An Azure ML name as a DNS label (lower case, '-' for other characters).
std::string dns_label(const std::string& name);

}  // namespace kiln::cli
