#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::kube {

// metav1.Time: RFC 3339 in UTC with whole seconds, "2006-01-02T15:04:05Z"
// (condition lastTransitionTime, creationTimestamp).
std::string format_api_time(std::chrono::system_clock::time_point t);

// metav1.MicroTime: microseconds, "2006-01-02T15:04:05.000000Z" (Lease
// acquireTime and renewTime, events.k8s.io eventTime).
std::string format_api_micro_time(std::chrono::system_clock::time_point t);

// Parses RFC 3339 as the API server writes it: optional fraction of any
// length, "Z" or a numeric offset. nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_api_time(std::string_view text);

}  // namespace kiln::kube
