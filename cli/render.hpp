#pragma once

// `kiln render`: the Kubernetes objects kiln-operator would apply for the
// given Kiln resources, computed by the operator's own reconcilers
// (reconcilers/inference_service, reconcilers/environment) with the same
// operator-wide settings. Pure: no cluster, no registry, no clock.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/input_documents.hpp"
#include "reconcilers/environment/build_job.hpp"
#include "reconcilers/environment/render_options.hpp"
#include "reconcilers/inference_service/options.hpp"

namespace kiln::cli {

// The operator's flags that shape children (kiln-operator --help).
struct OperatorSettings {
  std::string default_namespace = "default";  // for resources without metadata.namespace
  std::string registry;                       // --registry
  std::string repository_path = "kiln/environments";
  reconcilers::environment::RenderOptions render;          // --runtime-image, --pip-index-url
  reconcilers::environment::BuildJobOptions job;           // --system-namespace, --builder-image
  reconcilers::inference_service::ServingOptions serving;  // --model-delivery, ...
  bool builds = true;  // also print Environments' build Jobs and their context ConfigMaps
};

struct RenderOutput {
  std::vector<nlohmann::json> objects;
  std::vector<std::string> warnings;  // "<file>: ..." for what was assumed
};

// An input the operator would reject; the message names the file and field.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

RenderOutput render(const std::vector<Document>& documents, const OperatorSettings& settings);

}  // namespace kiln::cli
