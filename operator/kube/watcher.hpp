#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "operator/kube/backoff.hpp"
#include "operator/kube/resource_ref.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/kube/watch_state_machine.hpp"

namespace kiln::kube {

struct WatcherOptions {
  std::string ns;  // "" = all namespaces (or a cluster-scoped resource)
  std::string label_selector;
  std::string field_selector;
  int page_size = 500;  // list in pages of this many objects
  // Each watch asks the server to end it after a random 5–10 minutes (as
  // client-go does), so connections are refreshed and load spreads out.
  int min_watch_timeout_seconds = 300;
  BackoffOptions backoff;
};

// Drives a WatchStateMachine against the API server: lists, watches, re-watches
// and re-lists as the machine says, with backoff between failures. run()
// blocks until `stop` is set; every WatcherEvent goes to `on_event` on the
// calling thread, in order.
class Watcher {
 public:
  using EventSink = std::function<void(WatcherEvent&&)>;

  Watcher(std::shared_ptr<RestClient> client, ResourceRef resource, WatcherOptions options,
          EventSink on_event);

  void run(const std::atomic<bool>& stop);

  // Observability for callers, metrics and tests.
  std::uint64_t lists_completed() const { return lists_completed_.load(); }
  std::uint64_t watches_started() const { return watches_started_.load(); }
  // Lists after the first (410 Gone, an unusable list answer).
  std::uint64_t relists() const { return relists_.load(); }
  // Lists and watches that failed (an error answer or none).
  std::uint64_t failures() const { return failures_.load(); }
  // Watches that ended at once with nothing in them and were backed off.
  std::uint64_t early_closes() const { return early_closes_.load(); }
  std::string resource_version() const;
  // Seconds since the resourceVersion last moved (a list, an event or a
  // bookmark); negative before the first list.
  double resource_version_age_seconds() const;
  // Why the last list or watch failed; "" once a list or watch succeeded since.
  std::string last_error() const;

 private:
  void deliver(WatchStateMachine::Outcome& outcome);
  void set_last_error(std::string error);
  std::shared_ptr<RestClient> client_;
  ResourceRef resource_;
  WatcherOptions options_;
  EventSink on_event_;
  WatchStateMachine machine_;
  Backoff backoff_;
  std::atomic<std::uint64_t> lists_completed_{0};
  std::atomic<std::uint64_t> watches_started_{0};
  std::atomic<std::uint64_t> relists_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> early_closes_{0};
  mutable std::mutex rv_mu_;  // guards the fields below
  std::string rv_snapshot_;
  std::chrono::steady_clock::time_point rv_changed_at_{};
  std::string last_error_;
};

}  // namespace kiln::kube
