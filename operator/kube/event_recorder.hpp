#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "operator/kube/rest_client.hpp"

namespace kiln::kube {

enum class EventType { kNormal, kWarning };

// Writes events.k8s.io/v1 Events about objects, as `kubectl describe` shows
// them. The same event repeated within 6 minutes updates the first one's
// series (count, lastObservedTime) instead of creating another object, as
// client-go's events library does. Recording is best effort: a failure is
// logged, never thrown, since an Event must not fail a reconcile.
//
// A series is remembered by a 64-bit hash of what makes events the same
// (object uid, reason, action, type, note) and forgotten 6 minutes after its
// last event, in time order: an operator that just reported 10,000 services
// Serving holds ~100 bytes for each, not the five strings.
class EventRecorder {
 public:
  EventRecorder(std::shared_ptr<RestClient> client, std::string reporting_controller,
                std::string reporting_instance);

  // `regarding` is the object the event is about (its apiVersion, kind and
  // metadata are used); `action` what was done, `reason` why (CamelCase),
  // `note` free text (truncated to 1 kB). Returns the Event written, or null.
  nlohmann::json record(const nlohmann::json& regarding, EventType type, const std::string& reason,
                        const std::string& action, const std::string& note);

  std::chrono::seconds series_window{360};

 private:
  using Clock = std::chrono::steady_clock;
  struct Seen {
    std::string ns, name;  // the Event object to patch
    int count = 1;
    Clock::time_point last;
  };
  // Drops the series whose last event is older than the window.
  void forget_old_locked(Clock::time_point now);

  std::shared_ptr<RestClient> client_;
  std::string controller_;
  std::string instance_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, Seen> seen_;
  // (time of an event, its series), oldest first: what to look at when forgetting.
  std::deque<std::pair<Clock::time_point, std::uint64_t>> recorded_;
};

}  // namespace kiln::kube
