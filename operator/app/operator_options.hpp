#pragma once

// kiln-operator's command line (CLI11), parsed into a plain struct so the
// flags and their defaults are unit-testable.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reconcilers/placement/job_placement.hpp"

namespace kiln::app {

struct BindAddress {
  std::string host = "0.0.0.0";
  unsigned short port = 0;
  bool operator==(const BindAddress&) const = default;
};

struct OperatorOptions {
  // Connection: in-cluster, a kubeconfig (and context), or client-go's default order.
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;

  std::vector<std::string> namespaces;  // empty: all namespaces
  std::string system_namespace = "kiln-system";

  bool leader_elect = true;
  std::string leader_election_id = "kiln-operator";
  std::string leader_election_namespace;  // default: system_namespace
  std::string identity;                   // default: <hostname>_<random>

  std::optional<BindAddress> metrics_address = BindAddress{"0.0.0.0", 8080};  // nullopt: off
  BindAddress probe_address{"0.0.0.0", 8081};

  std::string log_level = "info";
  bool log_json = false;

  int workers = 2;                   // per controller
  std::optional<int> model_workers;  // overrides `workers` for the Model controller

  // Kiln's registry and kiln-fetch (KILN_FETCH_CONTRACT.md).
  std::string registry;
  std::string registry_secret;  // NAMESPACE/NAME
  std::string registry_ca;
  bool registry_plain_http = false;
  std::string fetch_image;

  // Which controllers run (kube-controller-manager's --controllers): "model",
  // "environment", "inferenceservice", "modelpackage"; empty: all.
  std::vector<std::string> controllers;

  // InferenceServices (controllers/inference_service).
  std::optional<int> inference_service_workers;  // overrides `workers`
  // image-volume: model images mounted as image volumes; init-container:
  // kiln-fetch pulls them into an emptyDir (runtimes without image volumes).
  std::string model_delivery = "image-volume";
  bool scheduler_extender = false;  // Kiln's scheduler extender is installed
  std::string cluster_domain = "cluster.local";

  // Environment builds (controllers/environment).
  std::optional<int> environment_workers;  // overrides `workers`
  std::string builder_image;               // empty: the build Job's default (kaniko)
  std::string runtime_image;               // empty: the renderer's default runtime image
  std::string serve_wheels_image;          // empty: the renderer's default kiln-serve wheels image
  std::string pip_index_url;               // empty: PyPI (or the Environment's own index)

  // Where registration and build Jobs run (--job-node-selector, --job-toleration).
  reconcilers::JobPlacement job_placement;
};

struct ParseOutcome {
  std::optional<OperatorOptions> options;  // set: run
  int exit_code = 0;                       // otherwise: exit with this (0 after --help)
  std::string output;                      // what to print (help or the error)
};

ParseOutcome parse_operator_options(int argc, const char* const* argv);

// "host:port", ":port" (all interfaces) or "0" (off) -> address; throws
// std::invalid_argument with the reason.
std::optional<BindAddress> parse_bind_address(const std::string& text);

}  // namespace kiln::app
