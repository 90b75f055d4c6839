#include "operator/manager/manager.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "operator/manager/rest_lease_store.hpp"
#include "operator/manager/served_resources.hpp"

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
      identity_(options_.leader_election.config.identity.empty()
                    ? default_identity()
                    : options_.leader_election.config.identity),
      probes_(options_.probes, &metrics_) {
  probes_.add_health_check("ping", [] { return std::optional<std::string>(); });
  probes_.add_readiness_check("informers-synced", [this]() -> std::optional<std::string> {
    for (auto* informer : all_informers()) {
      if (!informer->has_synced()) return resource_id(informer->resource()) + " not synced";
    }
    return std::nullopt;
  });
}

Manager::~Manager() {
  stop_controllers();
  for (auto* informer : all_informers()) informer->stop();
  probes_.stop();
}

std::vector<kube::Informer*> Manager::all_informers() {
  std::lock_guard lock(informers_mu_);
  std::vector<kube::Informer*> out;
  for (auto& [id, informer] : informers_) out.push_back(informer.get());
  return out;
}

void Manager::set_cache_options(const kube::ResourceRef& resource, CacheOptions options) {
  std::lock_guard lock(informers_mu_);
  const auto id = resource_id(resource);
  if (informers_.contains(id)) {
    throw std::logic_error("set_cache_options(" + id +
                           "): its informer exists already; set cache options first");
  }
  cache_options_[id] = std::move(options);
}

kube::Informer& Manager::informer(const kube::ResourceRef& resource) {
  std::lock_guard lock(informers_mu_);
  const auto id = resource_id(resource);
  auto& slot = informers_[id];
  if (!slot) {
    const CacheOptions cache = cache_options_.contains(id) ? cache_options_[id] : CacheOptions{};
    kube::InformerOptions options;
    options.watch.ns = resource.namespaced ? cache.ns.value_or(options_.watch_namespace) : "";
    options.watch.label_selector = cache.label_selector;
    options.watch.field_selector = cache.field_selector;
    options.transform = [cache](nlohmann::json& object) {
      kube::strip_for_cache(object);
      if (cache.metadata_only) keep_metadata_only(object);
      if (cache.transform) cache.transform(object);
    };
    slot = std::make_unique<kube::Informer>(client_, resource, std::move(options));
  }
  return *slot;
}

Controller& Manager::add_controller(ControllerSpec spec, Reconciler reconcile) {
  kube::Informer& primary = informer(spec.primary);
  controllers_.push_back(std::make_unique<Controller>(
      std::move(spec), primary, std::move(reconcile), client_, metrics_, identity_));
  return *controllers_.back();
}

bool Manager::wait_for_caches(const std::stop_token& stop) {
  for (auto* informer : all_informers()) {
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
  // A watched resource the server does not serve (a CRD not installed) is a
  // deployment error no retry fixes: say which, and stop.
  for (auto* informer : all_informers()) {
    try {
      require_served(*client_, informer->resource());
    } catch (const ResourceNotServedError& e) {
      spdlog::error("cannot start: {}", e.what());
      return Exit::failed;
    } catch (const std::exception& e) {
      // Unreachable or forbidden discovery: the informers retry and report.
      spdlog::warn("discovery of {} failed: {}", resource_id(informer->resource()), e.what());
    }
  }
  probes_.start();
  spdlog::info("serving /metrics, /healthz and /readyz on {}:{}", options_.probes.address,
               probes_.port());
  for (auto* informer : all_informers()) informer->start();

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
    config.identity = identity_;
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

  for (auto* informer : all_informers()) informer->stop();
  probes_.stop();
  return exit;
}

}  // namespace kiln::manager
