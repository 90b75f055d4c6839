// kiln-operator: the operator's main(). Parses flags, connects to the API
// server, refuses to start without the Kiln CRDs, and runs every controller
// through the manager (leader election, probes, metrics, graceful shutdown).
#include <malloc.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "controllers/environment/add_environment_controller.hpp"
#include "controllers/inference_service/inference_service_controller.hpp"
#include "controllers/model/model_controller.hpp"
#include "controllers/model_package/add_model_package_controller.hpp"
#include "crds/kinds.hpp"
#include "operator/app/json_log_formatter.hpp"
#include "operator/app/operator_options.hpp"
#include "operator/kube/api_error.hpp"
#include "operator/kube/kubeconfig.hpp"
#include "operator/manager/manager.hpp"
#include "operator/manager/served_resources.hpp"
#include "operator/runtime/heap_trimmer.hpp"
#include "operator/runtime/probe_server.hpp"
#include "operator/runtime/shutdown_signals.hpp"

namespace {

using namespace kiln;

void setup_logging(const app::OperatorOptions& options) {
  auto logger = spdlog::stderr_color_mt("kiln");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  if (options.log_json) spdlog::set_formatter(std::make_unique<app::JsonLogFormatter>());
}

kube::ClientConfig client_config(const app::OperatorOptions& options) {
  if (options.in_cluster) return kube::in_cluster_config();
  if (!options.kubeconfig.empty())
    return kube::load_kubeconfig(options.kubeconfig, options.context);
  return kube::default_config();
}

// Whether an optional API (a CRD Kiln does not install) is served.
bool served(kube::RestClient& client, const kube::ResourceRef& resource) {
  try {
    manager::require_served(client, resource);
    spdlog::info("{} is served: InferenceServices may use it", resource.kind);
    return true;
  } catch (const manager::ResourceNotServedError&) {
    spdlog::info("{}.{} is not served: InferenceServices asking for it report it",
                 resource.resource, resource.group);
    return false;
  }
}

// Every Kiln kind must be served: the CRDs are installed together (crds/).
bool crds_installed(kube::RestClient& client) {
  bool ok = true;
  for (const auto& kind : api::all_kinds()) {
    try {
      manager::require_served(client, kind);
    } catch (const manager::ResourceNotServedError& e) {
      std::cerr << "kiln-operator: " << e.what() << "\n";
      ok = false;
    }
  }
  if (!ok) {
    std::cerr << "kiln-operator: the Kiln CustomResourceDefinitions are not installed; install "
                 "them with `kubectl apply --server-side -f crds/` (or the Helm chart) and start "
                 "the operator again\n";
  }
  return ok;
}

// Shared informers' cache options, set before any controller asks for them.
void configure_caches(manager::Manager& mgr) {
  // Only Kiln's Jobs, without their pod templates (status and owners are what
  // the controllers read).
  manager::CacheOptions jobs;
  jobs.label_selector = "app.kubernetes.io/managed-by=kiln";
  jobs.transform = [](nlohmann::json& job) {
    if (job.contains("spec")) job["spec"].erase("template");
  };
  mgr.set_cache_options(kube::resources::jobs(), std::move(jobs));
  // Secrets are watched for their existence only: never cache their data.
  manager::CacheOptions secrets;
  secrets.metadata_only = true;
  mgr.set_cache_options(kube::resources::secrets(), std::move(secrets));
}

int run(const app::OperatorOptions& options) {
  auto client = kube::make_client(client_config(options));
  if (!crds_installed(*client)) return 1;

  controllers::model::ModelControllerOptions model;
  model.registration.registry = options.registry;
  model.registration.fetch_image = options.fetch_image;
  model.registration.registry_plain_http = options.registry_plain_http;
  model.registration.placement = options.job_placement;
  model.registry_credentials = controllers::model::load_registry_credentials(
      *client, options.registry_secret, options.registry_ca);
  model.workers = options.model_workers.value_or(options.workers);
  if (options.namespaces.size() > 1) {
    model.namespaces = {options.namespaces.begin(), options.namespaces.end()};
  }
  if (options.registry.empty()) {
    spdlog::warn("no --registry: Models will report RegistryNotConfigured");
  }

  manager::ManagerOptions mo;
  mo.probes.address = options.probe_address.host;
  mo.probes.port = options.probe_address.port;
  const bool shared_server =
      options.metrics_address && *options.metrics_address == options.probe_address;
  mo.probes.serve_metrics = shared_server;
  // One namespace: the informers list and watch only it; several: all, filtered.
  if (options.namespaces.size() == 1) mo.watch_namespace = options.namespaces.front();
  mo.leader_election.enabled = options.leader_elect;
  mo.leader_election.lease_namespace = options.leader_election_namespace;
  mo.leader_election.lease_name = options.leader_election_id;
  mo.leader_election.config.identity = options.identity;
  manager::Manager mgr(client, mo);
  configure_caches(mgr);

  std::unique_ptr<runtime::ProbeServer> metrics_server;
  if (options.metrics_address && !shared_server) {
    runtime::ProbeServerOptions metrics_options;
    metrics_options.address = options.metrics_address->host;
    metrics_options.port = options.metrics_address->port;
    metrics_options.serve_probes = false;
    metrics_server = std::make_unique<runtime::ProbeServer>(metrics_options, &mgr.metrics());
    metrics_server->start();
    spdlog::info("metrics on {}:{}", options.metrics_address->host, metrics_server->port());
  }

  // Kiln's registry with the push credentials: model tags and Environment builds.
  const auto registry =
      controllers::model::registry_options(options.registry, options.registry_plain_http,
                                           model.registry_credentials, options.registry_ca);
  auto tagger = std::make_shared<controllers::model::OciManifestTagger>(registry);
  auto enabled = [&](const std::string& name) {
    return options.controllers.empty() ||
           std::find(options.controllers.begin(), options.controllers.end(), name) !=
               options.controllers.end();
  };
  if (enabled("model")) controllers::model::add_model_controller(mgr, std::move(model), tagger);

  controllers::environment::EnvironmentControllerOptions environment;
  environment.registry = registry;
  environment.job.namespace_ = options.system_namespace;
  if (auto slash = options.registry_secret.find('/'); slash != std::string::npos) {
    environment.job.push_secret = options.registry_secret.substr(slash + 1);
  }
  environment.job.insecure_registry = options.registry_plain_http;
  environment.job.placement = options.job_placement;
  if (!options.builder_image.empty()) environment.job.builder_image = options.builder_image;
  if (!options.runtime_image.empty()) environment.render.default_base_image = options.runtime_image;
  if (!options.pip_index_url.empty()) environment.render.pip_index_url = options.pip_index_url;
  if (!options.serve_wheels_image.empty()) {
    environment.render.serve_wheels_image = options.serve_wheels_image;
  }
  environment.base_ca_file = options.registry_ca;
  controllers::model_package::ModelPackageControllerOptions package;
  package.render = environment.render;
  package.job = environment.job;
  package.registry = registry;
  if (enabled("modelpackage")) {
    controllers::model_package::add_model_package_controller(
        mgr, client, std::move(package), options.environment_workers.value_or(options.workers));
  }
  if (enabled("environment")) {
    controllers::environment::add_environment_controller(
        mgr, client, std::move(environment), options.environment_workers.value_or(options.workers));
  }

  controllers::InferenceServiceControllerOptions isvc;
  isvc.workers = options.inference_service_workers.value_or(options.workers);
  isvc.serving.model_delivery = options.model_delivery == "init-container"
                                    ? reconcilers::inference_service::ModelDelivery::init_container
                                    : reconcilers::inference_service::ModelDelivery::image_volume;
  isvc.serving.fetch_image = options.fetch_image;
  isvc.serving.registry_plain_http = options.registry_plain_http;
  isvc.serving.scheduler_extender = options.scheduler_extender;
  isvc.serving.cluster_domain = options.cluster_domain;
  // Exposure through HTTPRoutes and certificates from cert-manager when the
  // cluster has them; a service asking for them otherwise says so in Ready.
  isvc.serving.gateway_api = served(*client, controllers::http_routes());
  isvc.serving.cert_manager = served(*client, controllers::certificates());
  if (enabled("inferenceservice")) controllers::add_inference_service_controller(mgr, isvc);

  runtime::ShutdownSignals signals;
  spdlog::info("kiln-operator starting (leader election {}, namespaces {})",
               options.leader_elect ? "on" : "off",
               options.namespaces.empty() ? std::string("all")
                                          : fmt::format("{}", fmt::join(options.namespaces, ",")));
  // Every 30 s; each trim's time is logged at debug level.
  const runtime::HeapTrimmer trimmer(std::chrono::seconds(30));
  const auto exit = mgr.run(signals.token());
  if (metrics_server) metrics_server->stop();
  switch (exit) {
    case manager::Manager::Exit::stopped:
      spdlog::info("kiln-operator stopped");
      return 0;
    case manager::Manager::Exit::lost_leadership:
      spdlog::error("kiln-operator lost its leader Lease; exiting so a fresh start rejoins");
      return 1;
    case manager::Manager::Exit::failed:
      return 1;
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Two malloc arenas rather than glibc's default of up to eight per core:
  // each informer, worker and server thread would otherwise get an arena of
  // its own, holding on to what it freed (bench/operator measures the RSS).
  mallopt(M_ARENA_MAX, 2);
  auto parsed = app::parse_operator_options(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.output.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  setup_logging(*parsed.options);
  try {
    return run(*parsed.options);
  } catch (const kube::TransportError& e) {
    std::cerr << "kiln-operator: cannot reach the API server: " << e.what() << "\n";
  } catch (const kube::ApiError& e) {
    std::cerr << "kiln-operator: the API server refused: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "kiln-operator: " << e.what() << "\n";
  }
  return 1;
}
