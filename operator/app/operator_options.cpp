#include "operator/app/operator_options.hpp"

#include <CLI/CLI.hpp>
#include <stdexcept>

#include "crds/text_checks.hpp"

namespace kiln::app {

std::optional<BindAddress> parse_bind_address(const std::string& text) {
  if (text == "0") return std::nullopt;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("expected host:port, :port or 0");
  BindAddress out;
  out.host = colon == 0 ? "0.0.0.0" : text.substr(0, colon);
  const auto port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    throw std::invalid_argument("bad port \"" + port + "\"");
  }
  out.port = static_cast<unsigned short>(std::stoi(port));
  return out;
}

ParseOutcome parse_operator_options(int argc, const char* const* argv) {
  OperatorOptions o;
  CLI::App app{
      "kiln-operator: reconciles Kiln's Models, Environments, InferenceServices and "
      "ModelPackages (kiln.dev/v1alpha1)"};
  app.get_formatter()->column_width(40);
  std::string metrics = "0.0.0.0:8080", probes = "0.0.0.0:8081";

  app.add_option("--kubeconfig", o.kubeconfig,
                 "kubeconfig file (default: in-cluster, else $KUBECONFIG, else ~/.kube/config)");
  app.add_option("--context", o.context, "kubeconfig context (default: its current-context)");
  app.add_flag("--in-cluster", o.in_cluster, "use the pod's service account")
      ->excludes("--kubeconfig");
  app.add_option("-n,--namespace", o.namespaces,
                 "namespace to watch; repeat for several (default: all namespaces)");
  app.add_option("--system-namespace", o.system_namespace,
                 "namespace Kiln runs in (leader election Lease)")
      ->capture_default_str();
  app.add_flag("--leader-elect,!--no-leader-elect", o.leader_elect,
               "run controllers only while holding the Lease (default: on)");
  app.add_option("--leader-election-id", o.leader_election_id, "name of the Lease")
      ->capture_default_str();
  app.add_option("--leader-election-namespace", o.leader_election_namespace,
                 "namespace of the Lease (default: --system-namespace)");
  app.add_option("--identity", o.identity, "leader election identity (default: hostname_random)");
  app.add_option("--metrics-bind-address", metrics,
                 "address of /metrics: host:port, :port, or 0 to turn it off")
      ->capture_default_str();
  app.add_option("--health-probe-bind-address", probes, "address of /healthz and /readyz")
      ->capture_default_str();
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_flag("--log-json", o.log_json, "log one JSON object per line");
  app.add_option("--workers", o.workers, "concurrent reconciles per controller")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--model-workers", o.model_workers,
                 "concurrent reconciles of the Model controller (default: --workers)")
      ->check(CLI::Range(1, 256));
  app.add_option("--registry", o.registry, "Kiln's registry, HOST[:PORT] (model images)");
  app.add_option("--registry-secret", o.registry_secret,
                 "NAMESPACE/NAME of a kubernetes.io/dockerconfigjson Secret with push "
                 "credentials for --registry");
  app.add_option("--registry-ca", o.registry_ca,
                 "PEM CA bundle that signs --registry's certificate")
      ->check(CLI::ExistingFile);
  app.add_flag("--registry-plain-http", o.registry_plain_http,
               "speak http:// to --registry (loopback test registries)");
  app.add_option("--fetch-image", o.fetch_image, "the kiln-fetch image registration Jobs run");
  app.add_option("--controllers", o.controllers,
                 "the controllers to run (default: all): model, environment, "
                 "inferenceservice, modelpackage")
      ->delimiter(',')
      ->check(CLI::IsMember({"model", "environment", "inferenceservice", "modelpackage"}));
  app.add_option("--inference-service-workers", o.inference_service_workers,
                 "concurrent reconciles of the InferenceService controller (default: --workers)")
      ->check(CLI::Range(1, 256));
  app.add_option("--model-delivery", o.model_delivery,
                 "how serving pods get model images: image-volume (the node's runtime mounts "
                 "them) or init-container (kiln-fetch pulls them into an emptyDir)")
      ->check(CLI::IsMember({"image-volume", "init-container"}))
      ->capture_default_str();
  app.add_flag("--scheduler-extender", o.scheduler_extender,
               "Kiln's scheduler extender is installed: GPU/FPGA pods use schedulerName "
               "kiln-scheduler");
  app.add_option("--cluster-domain", o.cluster_domain, "the cluster's DNS domain (scoringUri)")
      ->capture_default_str();
  app.add_option("--environment-workers", o.environment_workers,
                 "concurrent reconciles of the Environment controller (default: --workers)");
  app.add_option("--builder-image", o.builder_image,
                 "the image build Jobs run (default: the kaniko executor v1.24.0)");
  app.add_option("--runtime-image", o.runtime_image,
                 "Kiln's runtime image, the base of Environments that name none");
  app.add_option("--serve-wheels-image", o.serve_wheels_image,
                 "the kiln-serve wheels image Environments on custom base images copy from");
  app.add_option("--pip-index-url", o.pip_index_url,
                 "the Python package index builds use when an Environment names none");
  std::vector<std::string> job_node_selector, job_tolerations;
  app.add_option("--job-node-selector", job_node_selector,
                 "KEY=VALUE: registration and build Jobs run only on nodes with this label "
                 "(repeat for several)");
  app.add_option("--job-toleration", job_tolerations,
                 "KEY[=VALUE][:EFFECT]: registration and build Jobs tolerate this taint "
                 "(repeat for several)");

  try {
    app.parse(argc, argv);
    o.metrics_address = parse_bind_address(metrics);
    auto probe = parse_bind_address(probes);
    if (!probe) throw CLI::ValidationError("--health-probe-bind-address", "cannot be turned off");
    o.probe_address = *probe;
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    const int code = app.exit(e, out, err);
    return {std::nullopt, code == 0 ? 0 : 2, out.str() + err.str()};
  } catch (const std::invalid_argument& e) {
    return {std::nullopt, 2, std::string("kiln-operator: bad address: ") + e.what() + "\n"};
  }
  try {
    for (const auto& entry : job_node_selector) {
      o.job_placement.node_selector.insert(reconcilers::parse_node_selector_entry(entry));
    }
    for (const auto& entry : job_tolerations) {
      o.job_placement.tolerations.push_back(reconcilers::parse_toleration(entry));
    }
  } catch (const std::invalid_argument& e) {
    return {std::nullopt, 2,
            std::string("kiln-operator: --job-node-selector/--job-toleration: ") + e.what() + "\n"};
  }
  if (o.leader_election_namespace.empty()) o.leader_election_namespace = o.system_namespace;
  const auto slash = o.registry_secret.find('/');
  if (!o.registry_secret.empty() &&
      (slash == std::string::npos ||
       !api::is_dns_label(std::string_view(o.registry_secret).substr(0, slash)) ||
       !api::is_dns_subdomain(std::string_view(o.registry_secret).substr(slash + 1)))) {
    return {std::nullopt, 2, "kiln-operator: --registry-secret must be NAMESPACE/NAME\n"};
  }
  if (o.registry.empty() != o.fetch_image.empty()) {
    return {std::nullopt, 2,
            "kiln-operator: --registry and --fetch-image go together (models are registered by "
            "kiln-fetch Jobs pushing to the registry)\n"};
  }
  return {std::move(o), 0, {}};
}

}  // namespace kiln::app
