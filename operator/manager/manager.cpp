#include "operator/manager/manager.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "operator/manager/informer_metrics.hpp"
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
      probes_(options_.probes, &metrics_),
      informer_metrics_(metrics_) {
  probes_.add_health_check("ping", [] { return std::optional<std::string>(); });
  probes_.add_readiness_check("informers-synced", [this]() -> std::optional<std::string> {
    std::string unsynced;
    for (auto* informer : all_informers()) {
      if (informer->has_synced()) continue;
      const auto why = informer->last_error();
      unsynced += (unsynced.empty() ? "" : "; ") + resource_label(informer->resource()) +
                  " not synced" + (why.empty() ? "" : ": " + why);
    }
    if (unsynced.empty()) return std::nullopt;
    return unsynced;
  });
  informer_metrics_collector_ = metrics_.add_collector([this] {
    for (auto* informer : all_informers()) informer_metrics_.update(*informer);
  });
}

Manager::~Manager() {
  metrics_.remove_collector(informer_metrics_collector_);
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
    if (running_) {
      // Asked for after run() started its informers: start this one too.
      // The caller waits for its sync (Informer::wait_for_sync) before
      // trusting its cache.
      spdlog::info("informer {} created after start: starting it", id);
      slot->start();
    }
  }
  return *slot;
}

Controller& Manager::add_controller(ControllerSpec spec, Reconciler reconcile) {
  kube::Informer& primary = informer(spec.primary);
  controllers_.push_back(std::make_unique<Controller>(
      std::move(spec), primary, std::move(reconcile), client_, metrics_, identity_));
  return *controllers_.back();
}

std::optional<std::string> Manager::wait_for_caches(Controller& controller,
                                                    const std::stop_token& stop) {
  const auto deadline = std::chrono::steady_clock::now() + options_.cache_sync_timeout;
  for (auto* informer : controller.informers()) {
    while (!informer->wait_for_sync(std::chrono::milliseconds(200))) {
      if (stop.stop_requested()) return std::nullopt;
      if (std::chrono::steady_clock::now() >= deadline) {
        const auto why = informer->last_error();
        return "controller " + controller.name() + ": cache of " +
               resource_label(informer->resource()) + " not synced after " +
               std::to_string(options_.cache_sync_timeout.count()) +
               " s: " + (why.empty() ? "no list answered yet" : why);
      }
    }
  }
  return std::nullopt;
}

void Manager::fail(const std::string& why) {
  spdlog::error("manager cannot go on: {}", why);
  {
    std::lock_guard lock(failure_mu_);
    if (failure_.empty()) failure_ = why;
  }
  run_stop_.request_stop();
}

void Manager::run_controllers(std::stop_token leading) {
  // Each controller starts once its own informers have synced (workers must
  // not act on a partial view), independently of the others'; one that
  // cannot sync within cache_sync_timeout fails the manager.
  for (auto& c : controllers_) {
    if (auto problem = wait_for_caches(*c, leading)) {
      fail(*problem);
      return;
    }
    if (leading.stop_requested()) return;
    spdlog::info("starting controller {} ({} informers synced)", c->name(), c->informers().size());
    c->start();
  }
  if (options_.sync_period > std::chrono::seconds::zero()) {
    resyncer_ = std::jthread([this](std::stop_token stop) { resync_loop(stop); });
  }
}

void Manager::resync_loop(std::stop_token stop) {
  std::mt19937_64 random(std::random_device{}());
  std::mutex mu;
  std::condition_variable_any cv;
  while (true) {
    // Jittered by up to 10%, as controller-runtime's SyncPeriod, so that
    // replicas and controllers do not resync in step.
    const double jitter = std::uniform_real_distribution<double>(1.0, 1.1)(random);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(options_.sync_period) * jitter);
    std::unique_lock lock(mu);
    if (cv.wait_for(lock, stop, wait, [] { return false; }) || stop.stop_requested()) return;
    for (auto& c : controllers_) {
      const auto n = c->resync();
      spdlog::info("resync: controller {} re-queued {} objects", c->name(), n);
    }
  }
}

void Manager::stop_controllers() {
  if (resyncer_.joinable()) {
    resyncer_.request_stop();
    resyncer_.join();
  }
  bool any = false;
  for (auto& c : controllers_) any = c->stop() || any;
  if (any) spdlog::info("controllers stopped");
}

Manager::Exit Manager::run(std::stop_token external_stop) {
  // A watched resource the server does not serve (a CRD not installed) is a
  // deployment error no retry fixes: say which, and stop.
  for (auto* informer : all_informers()) {
    try {
      require_served(*client_, informer->resource());
    } catch (const ResourceNotServedError& e) {
      spdlog::error("cannot start: {}", e.what());
      std::lock_guard lock(failure_mu_);
      failure_ = e.what();
      return Exit::failed;
    } catch (const std::exception& e) {
      // Unreachable or forbidden discovery: the informers retry and report.
      spdlog::warn("discovery of {} failed: {}", resource_id(informer->resource()), e.what());
    }
  }
  // Stops on the caller's request, or when the manager cannot go on.
  std::stop_callback forward(external_stop, [this] { run_stop_.request_stop(); });
  const std::stop_token stop = run_stop_.get_token();

  probes_.start();
  spdlog::info("serving /metrics, /healthz and /readyz on {}:{}", options_.probes.address,
               probes_.port());
  {
    std::lock_guard lock(informers_mu_);
    running_ = true;
    for (auto& [id, informer] : informers_) informer->start();
  }

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
    RestLeaseStore store(client_, stop);
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

  // All informers are told first, then joined: each takes up to a second.
  for (auto* informer : all_informers()) informer->request_stop();
  for (auto* informer : all_informers()) informer->stop();
  probes_.stop();
  {
    std::lock_guard lock(failure_mu_);
    if (!failure_.empty()) exit = Exit::failed;
  }
  return exit;
}

std::string Manager::failure() const {
  std::lock_guard lock(failure_mu_);
  return failure_;
}

}  // namespace kiln::manager
