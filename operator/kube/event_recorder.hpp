#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>

#include "operator/kube/rest_client.hpp"

namespace kiln::kube {

enum class EventType { kNormal, kWarning };

// Writes events.k8s.io/v1 Events about objects, as `kubectl describe` shows
// them. The same event repeated within 6 minutes updates the first one's
// series (count, lastObservedTime) instead of creating another object, as
// client-go's events library does.
//
// Recording never blocks a reconcile: record() queues the event and a thread
// of the recorder's own writes it, as client-go's broadcaster does (a
// reconcile that reports Ready no longer waits for the Event's round trip
// before it takes the next service). It is best effort: a failed write is
// logged, never thrown; beyond `max_pending` queued events new ones are
// dropped and counted (dropped()), so a stalled API server cannot grow the
// queue without bound. On destruction what is queued is written for up to
// 2 s; then a write in flight is aborted and the rest is dropped (logged).
//
// Writes are paced by a token bucket, `max_per_second` after a `burst`
// (the kubelet's --event-qps 50 and --event-burst 100): a thousand services
// going Ready at once put a thousand Event writes on the API server, which
// would otherwise compete with the status writes and rollouts they report.
// The Events trail instead; each wait is counted (throttled()) and a backlog
// that makes the writer wait is logged once.
//
// A series is remembered by a 64-bit hash of what makes events the same
// (object uid, reason, action, type, note) and forgotten 6 minutes after its
// last event, in time order: an operator that just reported 10,000 services
// Serving holds ~100 bytes for each, not the five strings.
class EventRecorder {
 public:
  EventRecorder(std::shared_ptr<RestClient> client, std::string reporting_controller,
                std::string reporting_instance, std::size_t max_pending = 1000);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `regarding` is the object the event is about (its apiVersion, kind and
  // metadata are used); `action` what was done, `reason` why (CamelCase),
  // `note` free text (truncated to 1 kB). Queues it; returns at once.
  void record(const nlohmann::json& regarding, EventType type, const std::string& reason,
              const std::string& action, const std::string& note);

  // Waits until every event recorded so far is written (or failed).
  void flush();
  // Events dropped because `max_pending` were already queued.
  std::uint64_t dropped() const;
  // Times the writer waited for the rate limit.
  std::uint64_t throttled() const;

  // Set before the first record().
  std::chrono::seconds series_window{360};
  double max_per_second = 50;
  double burst = 100;

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    nlohmann::json regarding;  // the reference written into the Event
    std::string ns;            // where the Event goes
    const char* type;
    std::string reason, action, note;
    Clock::time_point at;
    std::chrono::system_clock::time_point wall;
  };
  struct Seen {
    std::string ns, name;  // the Event object to patch
    int count = 1;
    Clock::time_point last;
  };
  void run(std::stop_token stop);
  void write(const Pending& event);
  // Drops the series whose last event is older than the window.
  void forget_old(Clock::time_point now);
  // Takes a write's token from the bucket, or says how long until there is one.
  Clock::duration take_token(Clock::time_point now);

  std::shared_ptr<RestClient> client_;
  std::string controller_;
  std::string instance_;
  const std::size_t max_pending_;

  mutable std::mutex mu_;
  std::condition_variable_any wake_;     // an event was queued, or stop
  std::condition_variable_any drained_;  // the queue emptied
  std::deque<Pending> pending_;
  bool writing_ = false;
  bool stopped_ = false;  // the writer thread is done
  std::uint64_t dropped_ = 0;
  std::uint64_t throttled_ = 0;
  std::stop_source abort_;  // aborts a write in flight (destructor, after 2 s)

  // The writer thread's own: no lock needed.
  std::unordered_map<std::uint64_t, Seen> seen_;
  // (time of an event, its series), oldest first: what to look at when forgetting.
  std::deque<std::pair<Clock::time_point, std::uint64_t>> recorded_;
  double tokens_ = -1;  // below 0: not filled yet (`burst` is read at the first write)
  Clock::time_point refilled_;
  bool backlog_logged_ = false;

  std::jthread writer_;  // last: started once everything above exists
};

}  // namespace kiln::kube
