#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "operator/kube/object_cache.hpp"
#include "operator/kube/resource_ref.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/kube/watcher.hpp"

namespace kiln::kube {

// Drops what no reconciler reads but every object carries: metadata.managedFields
// (often the largest part of an object) and the last-applied annotation.
void strip_for_cache(nlohmann::json& object);

// Handlers run on the informer's thread, one event at a time, after the cache
// already reflects the change; they should be quick (enqueue a key), since the
// watch stream waits for them. Any may be left empty. An exception from a
// handler is logged and does not stop the informer.
struct EventHandler {
  std::function<void(const ObjectPtr&)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr&)> on_delete;
};

struct InformerOptions {
  WatcherOptions watch;
  // Applied to each object before it is cached; strip_for_cache by default.
  // Callers can trim further (e.g. drop fields their reconciler never reads).
  std::function<void(nlohmann::json&)> transform = strip_for_cache;
};

// A watched, indexed, local copy of one resource. start() runs a Watcher on a
// background thread; has_synced() turns true after the first complete list.
class Informer {
 public:
  Informer(std::shared_ptr<RestClient> client, ResourceRef resource, InformerOptions options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void add_index(std::string name, IndexFunc fn) {
    cache_.add_index(std::move(name), std::move(fn));
  }
  // A handler added after start() first receives an add for every cached object.
  void add_handler(EventHandler handler);

  void start();
  void stop();  // joins the thread; idempotent
  // Tells the thread to stop without waiting (stop() then joins it), so that
  // many informers stop in parallel.
  void request_stop() { stop_ = true; }

  bool has_synced() const { return synced_.load(); }
  bool wait_for_sync(std::chrono::milliseconds timeout) const;

  const ObjectCache& cache() const { return cache_; }
  const ResourceRef& resource() const { return resource_; }
  // Number of full lists applied to the cache (1 after the initial sync; more
  // after a 410 forced a re-list).
  std::uint64_t lists_applied() const { return lists_applied_.load(); }
  std::uint64_t watches_started() const { return watcher_.watches_started(); }
  std::string resource_version() const { return watcher_.resource_version(); }
  // Why the last list or watch failed ("" after a success): what a
  // readiness check reports for an informer that has not synced.
  std::string last_error() const { return watcher_.last_error(); }
  // Handler calls that threw (logged, then ignored).
  std::uint64_t handler_errors() const { return handler_errors_.load(); }
  const Watcher& watcher() const { return watcher_; }

 private:
  void on_watcher_event(WatcherEvent&& ev);
  void dispatch(WatcherEvent&& ev);
  template <typename Fn, typename... Args>
  void call(const char* what, const Fn& fn, const Args&... args);
  ObjectPtr freeze(nlohmann::json&& object) const;

  ResourceRef resource_;
  InformerOptions options_;
  ObjectCache cache_;
  Watcher watcher_;
  std::mutex handlers_mu_;  // held while dispatching, so handlers see events in order
  std::vector<EventHandler> handlers_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> synced_{false};
  std::atomic<std::uint64_t> lists_applied_{0};
  std::atomic<std::uint64_t> handler_errors_{0};
  mutable std::mutex sync_mu_;
  mutable std::condition_variable sync_cv_;
  std::thread thread_;
};

}  // namespace kiln::kube
