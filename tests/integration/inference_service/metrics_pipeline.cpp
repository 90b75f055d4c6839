#include "tests/integration/inference_service/metrics_pipeline.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// NAME=VALUE lines of `tests/cluster/build.sh --print`: the cached tools.
std::map<std::string, std::string> tool_paths() {
  auto r = run_command({KILN_CLUSTER_BUILD_SH, "--print"});
  std::map<std::string, std::string> out;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool poll(const std::function<bool()>& ok, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ok()) return true;
    std::this_thread::sleep_for(500ms);
  }
  return ok();
}

}  // namespace

MetricsPipeline::MetricsPipeline(std::string cluster_dir, std::string kubeconfig, std::string ns,
                                 std::string node, Kubectl kubectl)
    : cluster_dir_(std::move(cluster_dir)),
      kubeconfig_(std::move(kubeconfig)),
      ns_(std::move(ns)),
      node_(std::move(node)),
      work_(cluster_dir_ + "/metrics-" + node_),
      kubectl_(std::move(kubectl)) {}

std::string MetricsPipeline::start() {
  auto tools = tool_paths();
  for (const char* t :
       {"KWOK", "KWOK_STAGES", "METRICS_SERVER", "KWOK_METRICS", "KWOK_USAGE_CRDS"}) {
    if (tools[t].empty()) return std::string(t) + " missing: run tests/cluster/build.sh";
  }
  std::filesystem::create_directories(work_);
  // Under the cluster's directory: `cluster.sh down` stops these processes too.
  const std::string config = work_ + "/kwok.yaml";
  std::ofstream(config) << read_file(tools["KWOK_STAGES"]) << "\n---\n"
                        << read_file(tools["KWOK_METRICS"]);

  auto r =
      run({"apply", "--server-side", "--field-manager=kiln-tests", "-f", tools["KWOK_USAGE_CRDS"]});
  if (r.exit_code != 0) return "KWOK's usage CRDs: " + r.output;
  r = run({"wait", "--for=condition=Established", "crd/clusterresourceusages.kwok.x-k8s.io",
           "crd/resourceusages.kwok.x-k8s.io", "--timeout=60s"});
  if (r.exit_code != 0) return r.output;

  const json node = {
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata",
       {{"name", node_},
        {"annotations",
         {{"node.alpha.kubernetes.io/ttl", "0"},
          {"kwok.x-k8s.io/node", "metrics"},
          {"metrics.k8s.io/resource-metrics-path",
           "/metrics/nodes/" + node_ + "/metrics/resource"}}},
        {"labels",
         {{"kubernetes.io/hostname", node_},
          {"kubernetes.io/os", "linux"},
          {"kubernetes.io/arch", "amd64"},
          {"type", "kwok"},
          {kNodeLabel, node_}}}}},
      {"spec",
       {{"taints",
         json::array({{{"key", kNodeLabel}, {"value", node_}, {"effect", "NoSchedule"}}})}}},
      {"status",
       {{"capacity", {{"cpu", "32"}, {"memory", "256Gi"}, {"pods", "110"}}},
        {"allocatable", {{"cpu", "32"}, {"memory", "256Gi"}, {"pods", "110"}}}}}};
  r = run({"apply", "-f", "-"}, node.dump());
  if (r.exit_code != 0) return "node: " + r.output;

  const auto pki = cluster_dir_ + "/pki/";
  const unsigned short kwok_port = free_port();
  kwok_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{tools["KWOK"], "--kubeconfig=" + kubeconfig_, "--config=" + config,
                               "--manage-single-node=" + node_, "--cidr=10.244.250.1/24",
                               "--node-ip=127.0.0.1", "--node-port=" + std::to_string(kwok_port),
                               "--server-address=127.0.0.1:" + std::to_string(kwok_port),
                               "--tls-cert-file=" + pki + "apiserver.crt",
                               "--tls-private-key-file=" + pki + "apiserver.key",
                               "--enable-crds=ResourceUsage,ClusterResourceUsage",
                               "--node-lease-duration-seconds=40"},
      work_ + "/kwok.log");
  if (!poll(
          [&] {
            return run({"get", "node", node_, "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"})
                       .output == "True";
          },
          60s)) {
    return "the metrics node did not become Ready\n" + logs();
  }

  const unsigned short ms_port = free_port();
  metrics_server_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{
          tools["METRICS_SERVER"], "--kubeconfig=" + kubeconfig_,
          "--authentication-kubeconfig=" + kubeconfig_, "--authorization-kubeconfig=" + kubeconfig_,
          "--bind-address=127.0.0.1", "--secure-port=" + std::to_string(ms_port),
          "--cert-dir=" + work_ + "/certs", "--kubelet-insecure-tls",
          "--kubelet-use-node-status-port", "--kubelet-preferred-address-types=InternalIP",
          "--metric-resolution=10s",
          // Must be shorter than the resolution.
          "--kubelet-request-timeout=5s",
          "--node-selector=" + std::string(kNodeLabel) + "=" + node_},
      work_ + "/metrics-server.log");

  // Endpoints to 127.0.0.1 are refused by the API; an ExternalName is not.
  const json service = {
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", {{"name", "metrics-server"}, {"namespace", ns_}}},
      {"spec",
       {{"type", "ExternalName"},
        {"externalName", "127.0.0.1"},
        {"ports", json::array({{{"name", "https"}, {"port", ms_port}, {"protocol", "TCP"}}})}}}};
  const json api_service = {
      {"apiVersion", "apiregistration.k8s.io/v1"},
      {"kind", "APIService"},
      {"metadata", {{"name", "v1beta1.metrics.k8s.io"}}},
      {"spec",
       {{"group", "metrics.k8s.io"},
        {"version", "v1beta1"},
        {"insecureSkipTLSVerify", true},
        {"groupPriorityMinimum", 100},
        {"versionPriority", 100},
        {"service", {{"namespace", ns_}, {"name", "metrics-server"}, {"port", ms_port}}}}}};
  r = run({"apply", "-f", "-"}, service.dump());
  if (r.exit_code != 0) return "Service: " + r.output;
  r = run({"apply", "-f", "-"}, api_service.dump());
  if (r.exit_code != 0) return "APIService: " + r.output;
  registered_ = true;
  // Available once the apiserver reaches metrics-server (a node without pods
  // has no metrics yet: KWOK reports zero usage for it).
  if (!poll(
          [&] {
            return !metrics_server_->running() ||
                   run({"get", "apiservice", "v1beta1.metrics.k8s.io", "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Available\")].status}"})
                           .output == "True";
          },
          120s) ||
      !metrics_server_->running()) {
    return "metrics.k8s.io is not available\n" +
           run({"get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "yaml"}).output + logs();
  }
  return "";
}

std::string MetricsPipeline::set_usage(const std::string& pods_ns, const std::string& cpu,
                                       const std::string& memory) {
  const std::string name = "usage-" + pods_ns;
  const json usage = {
      {"apiVersion", "kwok.x-k8s.io/v1alpha1"},
      {"kind", "ClusterResourceUsage"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"selector", {{"matchNamespaces", json::array({pods_ns})}}},
        {"usages",
         json::array(
             {{{"usage", {{"cpu", {{"value", cpu}}}, {"memory", {{"value", memory}}}}}}})}}}};
  auto r = run({"apply", "-f", "-"}, usage.dump());
  if (r.exit_code != 0) return r.output;
  if (std::find(usages_.begin(), usages_.end(), name) == usages_.end()) usages_.push_back(name);
  return "";
}

std::string MetricsPipeline::logs() const {
  std::string out;
  if (kwok_) out += "--- kwok (metrics node)\n" + kwok_->log();
  if (metrics_server_) out += "--- metrics-server\n" + metrics_server_->log();
  // The tail is what explains a failure.
  return out.size() > 20000 ? out.substr(out.size() - 20000) : out;
}

MetricsPipeline::~MetricsPipeline() {
  // The aggregated API first: while registered and unanswered it makes every
  // discovery (kubectl, the namespace controller) report an error.
  if (registered_) run({"delete", "apiservice", "v1beta1.metrics.k8s.io", "--ignore-not-found"});
  for (const auto& u : usages_) {
    run({"delete", "clusterresourceusage", u, "--ignore-not-found", "--wait=false"});
  }
  metrics_server_.reset();  // SIGKILL if still running
  run({"delete", "node", node_, "--ignore-not-found", "--wait=false"});
  kwok_.reset();
}

}  // namespace kiln::testing
