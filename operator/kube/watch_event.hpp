#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace kiln::kube {

// One event of a watch stream: {"type": "ADDED", "object": {...}}.
enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  nlohmann::json object;  // for kError, a metav1.Status
};

// Parses ADDED/MODIFIED/DELETED/BOOKMARK/ERROR; throws std::invalid_argument otherwise.
WatchEventType parse_watch_event_type(std::string_view type);

}  // namespace kiln::kube
