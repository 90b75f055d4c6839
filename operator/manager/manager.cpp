#include "operator/manager/manager.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "operator/manager/rest_lease_store.hpp"

namespace kiln::manager {
namespace {

std::string resource_id(const kube::ResourceRef& r) {
  return r.api_version() + "/" + r.resource;
}

}  // namespace

std::string default_identity() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::random_device rd;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08x%08x", rd(), rd());
  return std::string(host) + "_" + suffix;
}

Manager::Manager(std::shared_ptr<kube::RestClient> client, ManagerOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      probes_(options_.probes, &metrics_) {
  probes_.add_health_check("ping", [] { return std::optional<std::string>(); });
  probes_.add_readiness_check("informers-synced", [this]() -> std::optional<std::string> {
    for (const auto& [id, informer] : informers_) {
      if (!informer->has_synced()) return id + " not synced";
    }
    return std::nullopt;
  });
}

Manager::~Manager() {
  stop_controllers();
  for (auto& [id, informer] : informers_) informer->stop();
  probes_.stop();
}

kube::Informer& Manager::informer(const kube::ResourceRef& resource) {
  auto& slot = informers_[resource_id(resource)];
  if (!slot) {
    kube::InformerOptions options;
    options.watch.ns = resource.namespaced ? options_.watch_namespace : "";
    slot = std::make_unique<kube::Informer>(client_, resource, std::move(options));
  }
  return *slot;
}

Controller& Manager::add_controller(std::string name, runtime::ReconcileFunction reconcile,
                                    int workers) {
  controllers_.push_back(
      std::make_unique<Controller>(std::move(name), std::move(reconcile), workers, metrics_));
  return *controllers_.back();
}

bool Manager::wait_for_caches(const std::stop_token& stop) {
  for (const auto& [id, informer] : informers_) {
    while (!informer->wait_for_sync(std::chrono::milliseconds(200))) {
      if (stop.stop_requested()) return false;
    }
  }
  return true;
}

void Manager::run_controllers(std::stop_token leading) {
  // Workers must not act on a partial view of the cluster.
  if (!wait_for_caches(leading)) return;
  for (auto& c : controllers_) {
    spdlog::info("starting controller {} ({} informers synced)", c->name(), c->informers().size());
    c->start();
  }
  controllers_running_ = true;
}

void Manager::stop_controllers() {
  if (!controllers_running_) return;
  for (auto& c : controllers_) c->stop();
  controllers_running_ = false;
  spdlog::info("controllers stopped");
}

Manager::Exit Manager::run(std::stop_token stop) {
  probes_.start();
  spdlog::info("serving /metrics, /healthz and /readyz on {}:{}", options_.probes.address,
               probes_.port());
  for (auto& [id, informer] : informers_) informer->start();

  Exit exit = Exit::stopped;
  const auto& le = options_.leader_election;
  if (!le.enabled) {
    run_controllers(stop);
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
    stop_controllers();
  } else {
    runtime::LeaderElectionConfig config = le.config;
    if (config.identity.empty()) config.identity = default_identity();
    RestLeaseStore store(client_);
    runtime::LeaseLock lock(store, le.lease_namespace, le.lease_name);
    std::jthread starter;  // waits for caches off the elector's thread
    runtime::LeaderCallbacks callbacks{
        .on_started_leading =
            [&](std::stop_token leading) {
              spdlog::info("became leader of {}/{} as {}", le.lease_namespace, le.lease_name,
                           config.identity);
              starter = std::jthread([this, leading] { run_controllers(leading); });
            },
        .on_stopped_leading =
            [&] {
              if (starter.joinable()) starter.join();
              stop_controllers();
            },
        .on_new_leader = [&](const std::string& id) { spdlog::info("leader is now {}", id); },
    };
    runtime::LeaderElector elector(config, lock, callbacks, nullptr, &metrics_);
    auto outcome = elector.run(stop);
    if (outcome == runtime::LeaderElector::Outcome::lost) {
      spdlog::error("lost leadership of {}/{}", le.lease_namespace, le.lease_name);
      exit = Exit::lost_leadership;
    }
  }

  for (auto& [id, informer] : informers_) informer->stop();
  probes_.stop();
  return exit;
}

}  // namespace kiln::manager
