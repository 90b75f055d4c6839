#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "operator/kube/rest_client.hpp"

namespace kiln::kube {

enum class EventType { kNormal, kWarning };

// Writes events.k8s.io/v1 Events about objects, as `kubectl describe` shows
// them. The same event repeated within 6 minutes updates the first one's
// series (count, lastObservedTime) instead of creating another object, as
// client-go's events library does. Recording is best effort: a failure is
// logged, never thrown, since an Event must not fail a reconcile.
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
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  struct Seen {
    std::string ns, name;
    int count = 1;
    std::chrono::steady_clock::time_point last;
  };
  std::shared_ptr<RestClient> client_;
  std::string controller_;
  std::string instance_;
  std::mutex mu_;
  std::map<Key, Seen> seen_;
};

}  // namespace kiln::kube
