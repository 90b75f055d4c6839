#include "operator/kube/informer.hpp"

#include <spdlog/spdlog.h>

namespace kiln::kube {

void strip_for_cache(nlohmann::json& object) {
  auto m = object.find("metadata");
  if (m == object.end() || !m->is_object()) return;
  m->erase("managedFields");
  if (auto a = m->find("annotations"); a != m->end() && a->is_object()) {
    a->erase("kubectl.kubernetes.io/last-applied-configuration");
    if (a->empty()) m->erase(a);
  }
}

Informer::Informer(std::shared_ptr<RestClient> client, ResourceRef resource,
                   InformerOptions options)
    : resource_(resource),
      options_(std::move(options)),
      watcher_(std::move(client), std::move(resource), options_.watch,
               [this](WatcherEvent&& ev) { on_watcher_event(std::move(ev)); }) {}

// One handler call: an exception is logged and stops neither the other
// handlers nor the informer (a throwing handler during the initial list
// must not leave the informer unsynced for ever).
template <typename Fn, typename... Args>
void Informer::call(const char* what, const Fn& fn, const Args&... args) {
  if (!fn) return;
  try {
    fn(args...);
  } catch (const std::exception& e) {
    ++handler_errors_;
    spdlog::error("informer {}: {} handler failed: {}", resource_.resource, what, e.what());
  } catch (...) {
    ++handler_errors_;
    spdlog::error("informer {}: {} handler failed", resource_.resource, what);
  }
}

Informer::~Informer() {
  stop();
}

ObjectPtr Informer::freeze(nlohmann::json&& object) const {
  if (options_.transform) options_.transform(object);
  return std::make_shared<const nlohmann::json>(std::move(object));
}

void Informer::add_handler(EventHandler handler) {
  std::lock_guard g(handlers_mu_);
  for (const auto& obj : cache_.list()) call("add", handler.on_add, obj);
  handlers_.push_back(std::move(handler));
}

void Informer::on_watcher_event(WatcherEvent&& ev) {
  try {
    dispatch(std::move(ev));
  } catch (const std::exception& e) {
    // A failing handler must not tear down the watch: the cache is already
    // updated, and a level-triggered controller recovers on its next event.
    spdlog::error("informer {}: event handler failed: {}", resource_.resource, e.what());
  }
}

void Informer::dispatch(WatcherEvent&& ev) {
  std::lock_guard g(handlers_mu_);
  switch (ev.type) {
    case WatcherEvent::Type::kRestarted: {
      std::vector<ObjectPtr> objects;
      objects.reserve(ev.objects.size());
      for (auto& o : ev.objects) objects.push_back(freeze(std::move(o)));
      auto delta = cache_.replace(std::move(objects));
      ++lists_applied_;
      if (lists_applied_ > 1) {
        spdlog::info("informer {}: re-listed: {} added, {} updated, {} deleted", resource_.resource,
                     delta.added.size(), delta.updated.size(), delta.deleted.size());
      }
      for (const auto& h : handlers_) {
        for (const auto& o : delta.deleted) call("delete", h.on_delete, o);
        for (const auto& o : delta.added) call("add", h.on_add, o);
        for (const auto& [a, b] : delta.updated) call("update", h.on_update, a, b);
      }
      if (!synced_.exchange(true)) {
        std::lock_guard sg(sync_mu_);
        sync_cv_.notify_all();
      }
      break;
    }
    case WatcherEvent::Type::kApplied: {
      auto obj = freeze(std::move(ev.object));
      auto old = cache_.upsert(obj);
      for (const auto& h : handlers_) {
        if (old) {
          call("update", h.on_update, old, obj);
        } else {
          call("add", h.on_add, obj);
        }
      }
      break;
    }
    case WatcherEvent::Type::kDeleted: {
      auto old = cache_.erase(ev.object);
      // Hand out the final state the server sent, which is newer than the cached one.
      auto last = freeze(std::move(ev.object));
      if (old) {
        for (const auto& h : handlers_) call("delete", h.on_delete, last);
      }
      break;
    }
  }
}

void Informer::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { watcher_.run(stop_); });
}

void Informer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(sync_mu_);
  return sync_cv_.wait_for(lock, timeout, [this] { return synced_.load(); });
}

}  // namespace kiln::kube
