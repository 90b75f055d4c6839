// kiln-scheduler-extender: the HTTP extender of the `kiln-scheduler` kube-scheduler
// profile. It answers filter and prioritize from its own informer caches of
// Nodes and bound Pods (nodeCacheCapable), so kube-scheduler sends node names only.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "operator/kube/informer.hpp"
#include "operator/kube/kubeconfig.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/runtime/metrics_registry.hpp"
#include "operator/runtime/shutdown_signals.hpp"
#include "scheduler/cluster_view.hpp"
#include "scheduler/extender.hpp"
#include "scheduler/extender_metrics.hpp"
#include "scheduler/extender_server.hpp"

namespace {

using namespace kiln;

kube::ResourceRef nodes_resource() {
  return {"", "v1", "nodes", "Node", false};
}

kube::EventHandler handler_for(std::function<void(const nlohmann::json&)> upsert,
                               std::function<void(const nlohmann::json&)> remove) {
  kube::EventHandler h;
  h.on_add = [upsert](const kube::ObjectPtr& o) { upsert(*o); };
  h.on_update = [upsert](const kube::ObjectPtr&, const kube::ObjectPtr& o) { upsert(*o); };
  h.on_delete = [remove](const kube::ObjectPtr& o) { remove(*o); };
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kiln-scheduler-extender: GPU/FPGA placement for the kiln-scheduler profile"};
  std::string kubeconfig;
  std::string address = "127.0.0.1";
  unsigned short port = 8888;
  int threads = 1;
  int bitstream_memory_s = 3600;
  std::string log_level = "info";
  bool log_json = false;
  app.add_option("--kubeconfig", kubeconfig,
                 "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)");
  app.add_option("--address", address, "address to listen on")->capture_default_str();
  app.add_option("--port", port, "port for the verbs, /metrics, /healthz and /readyz")
      ->capture_default_str();
  app.add_option("--threads", threads, "HTTP threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--bitstream-memory", bitstream_memory_s,
                 "seconds a node is still taken to hold a bitstream after its last pod left")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.add_flag("--log-json", log_json, "one JSON object per log line");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(spdlog::level::from_str(log_level));
  if (log_json) {
    spdlog::set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"kiln-scheduler-extender","msg":"%v"})");
  }

  try {
    runtime::ShutdownSignals signals;
    auto client = kube::make_client(kubeconfig.empty() ? kube::default_config()
                                                       : kube::load_kubeconfig(kubeconfig));
    scheduler::ClusterView view;
    runtime::MetricsRegistry registry;
    scheduler::ExtenderMetrics metrics(registry);
    registry.add_collector([&] {
      metrics.cache_nodes.set(static_cast<double>(view.node_count()));
      metrics.cache_pods.set(static_cast<double>(view.pod_count()));
    });

    kube::Informer nodes(client, nodes_resource());
    nodes.add_handler(handler_for([&](const nlohmann::json& n) { view.upsert_node(n); },
                                  [&](const nlohmann::json& n) { view.remove_node(n); }));
    kube::InformerOptions pod_options;
    pod_options.watch.field_selector = "spec.nodeName!=";  // bound pods only, as kube-scheduler
    pod_options.transform = [](nlohmann::json& pod) { scheduler::trim_pod_for_view(pod); };
    kube::Informer pods(client, kube::resources::pods(), pod_options);
    pods.add_handler(handler_for([&](const nlohmann::json& p) { view.upsert_pod(p); },
                                 [&](const nlohmann::json& p) { view.remove_pod(p); }));

    scheduler::PolicyContext context;
    context.bitstream_memory = std::chrono::seconds(bitstream_memory_s);
    scheduler::Extender extender(view, &metrics, context);
    scheduler::ExtenderServer server({.address = address, .port = port, .threads = threads},
                                     extender, registry, [&]() -> std::optional<std::string> {
                                       if (!nodes.has_synced()) return "node cache not synced";
                                       if (!pods.has_synced()) return "pod cache not synced";
                                       return std::nullopt;
                                     });
    nodes.start();
    pods.start();
    server.start();
    spdlog::info("kiln-scheduler-extender listening on {}:{}", address, server.port());
    if (nodes.wait_for_sync(std::chrono::minutes(5)) &&
        pods.wait_for_sync(std::chrono::minutes(5))) {
      spdlog::info("caches synced: {} nodes, {} bound pods", view.node_count(), view.pod_count());
    }
    signals.wait();
    spdlog::info("shutting down");
    server.stop();
    pods.stop();
    nodes.stop();
  } catch (const std::exception& e) {
    spdlog::error("kiln-scheduler-extender: {}", e.what());
    return 1;
  }
  return 0;
}
