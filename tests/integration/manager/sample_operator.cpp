// A sample operator on the controller runtime, used by the manager tests: it
// reconciles Widgets (test.kiln.dev/v1) into ConfigMaps holding their
// spec.data, owned by the Widget, and reports Ready in the Widget's status.
// Run as a process, so tests can start replicas, kill them and scrape them.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <mutex>

#include "operator/kube/kubeconfig.hpp"
#include "operator/kube/owner_references.hpp"
#include "operator/manager/manager.hpp"
#include "operator/runtime/conditions.hpp"
#include "operator/runtime/shutdown_signals.hpp"

namespace {

using nlohmann::json;
using namespace kiln;

const kube::ResourceRef kWidgets{"test.kiln.dev", "v1", "widgets", "Widget", true};
constexpr const char* kFieldManager = "sample-controller";

// What the Widget's ConfigMap should be: a pure function of the Widget.
json desired_config_map(const json& widget) {
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata",
              {{"name", widget["metadata"]["name"]},
               {"namespace", widget["metadata"]["namespace"]},
               {"labels", {{"app.kubernetes.io/managed-by", kFieldManager}}},
               {"ownerReferences", json::array({kube::controller_reference(widget)})}}},
             {"data", widget.value("/spec/data"_json_pointer, json::object())}};
  return cm;
}

bool config_map_matches(const json& actual, const json& desired, const json& widget) {
  return actual.value("data", json::object()) == desired["data"] &&
         kube::is_controlled_by(actual, widget);
}

runtime::ReconcileResult reconcile_widget(manager::Manager& mgr, const manager::Request& request,
                                          manager::ReconcileContext& ctx) {
  auto widget = ctx.object();
  if (!widget) return ctx.not_found();  // deleted: the GC removes its child
  const std::string key = request.key();

  json desired = desired_config_map(*widget);
  auto current = mgr.informer(kube::resources::config_maps()).cache().get(key);
  if (!current || !config_map_matches(*current, desired, *widget)) {
    ctx.client().apply(kube::resources::config_maps(), desired, kFieldManager);
    ctx.log().info("ConfigMap applied");
  }

  const auto generation = widget->value("/metadata/generation"_json_pointer, std::int64_t{0});
  json status = widget->value("status", json::object());
  bool changed = runtime::set_condition(
      status,
      {"Ready", "True", "ConfigMapInSync", "ConfigMap " + key + " holds spec.data", generation},
      std::chrono::system_clock::now());
  if (status.value("observedGeneration", std::int64_t{-1}) != generation) {
    status["observedGeneration"] = generation;
    changed = true;
  }
  if (changed) {
    json patch = {{"apiVersion", kWidgets.api_version()},
                  {"kind", kWidgets.kind},
                  {"metadata",
                   {{"name", (*widget)["metadata"]["name"]},
                    {"namespace", (*widget)["metadata"]["namespace"]}}},
                  {"status", status}};
    ctx.client().apply_status(kWidgets, patch, kFieldManager);
  }
  return runtime::ReconcileResult::done();
}

// Appends "<start> <end>\n" (steady clock, ns: CLOCK_MONOTONIC, one clock
// for every process on the machine) for each reconcile, so a test can check
// that two replicas never reconciled at the same time.
class ReconcileIntervalLog {
 public:
  explicit ReconcileIntervalLog(const std::string& path) {
    if (!path.empty()) out_.open(path, std::ios::app);
  }
  static long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void record(long long start, long long end) {
    if (!out_.is_open()) return;
    std::lock_guard lock(mu_);
    out_ << start << ' ' << end << '\n' << std::flush;
  }

 private:
  std::mutex mu_;
  std::ofstream out_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sample Widget operator for the controller-runtime tests"};
  std::string kubeconfig, watch_namespace, lease_name = "sample-operator",
                                           lease_namespace = "default", identity;
  unsigned short probe_port = 8081;
  bool leader_elect = false;
  int workers = 4;
  std::string reconcile_log;
  app.add_option("--kubeconfig", kubeconfig, "kubeconfig file")->required();
  app.add_option("--namespace", watch_namespace, "namespace to watch (default: all)");
  app.add_option("--probe-port", probe_port, "port of /metrics, /healthz and /readyz");
  app.add_flag("--leader-elect", leader_elect, "run only while holding the Lease");
  app.add_option("--lease-name", lease_name, "Lease used for leader election");
  app.add_option("--lease-namespace", lease_namespace, "namespace of the Lease");
  app.add_option("--identity", identity, "leader election identity (default: host_random)");
  app.add_option("--workers", workers, "concurrent reconciles");
  app.add_option("--reconcile-log", reconcile_log,
                 "append each reconcile's start and end (steady clock, ns) to this file");
  CLI11_PARSE(app, argc, argv);

  runtime::ShutdownSignals signals;
  auto client = kube::make_client(kube::load_kubeconfig(kubeconfig));
  manager::ManagerOptions options;
  options.probes.address = "127.0.0.1";
  options.probes.port = probe_port;
  options.watch_namespace = watch_namespace;
  options.leader_election.enabled = leader_elect;
  options.leader_election.lease_name = lease_name;
  options.leader_election.lease_namespace = lease_namespace;
  options.leader_election.config.identity = identity;
  manager::Manager mgr(client, options);
  ReconcileIntervalLog intervals(reconcile_log);

  mgr.controller("widget")
      .for_resource(kWidgets, {manager::generation_changed()})  // its own status writes: no
      .owns(kube::resources::config_maps())
      .workers(workers)
      .complete([&](const manager::Request& request, manager::ReconcileContext& ctx) {
        const auto start = ReconcileIntervalLog::now_ns();
        struct Record {
          ReconcileIntervalLog& log;
          long long start;
          ~Record() { log.record(start, ReconcileIntervalLog::now_ns()); }
        } record{intervals, start};
        return reconcile_widget(mgr, request, ctx);
      });

  auto exit = mgr.run(signals.token());
  spdlog::info("sample operator exiting");
  return exit == manager::Manager::Exit::stopped ? 0 : 1;
}
