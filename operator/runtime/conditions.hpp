#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::runtime {

inline constexpr std::string_view kConditionTrue = "True";
inline constexpr std::string_view kConditionFalse = "False";
inline constexpr std::string_view kConditionUnknown = "Unknown";

// A metav1.Condition without its lastTransitionTime, which set_condition owns.
struct Condition {
  std::string type;     // e.g. "Ready"
  std::string status;   // "True", "False" or "Unknown"
  std::string reason;   // CamelCase, machine-readable
  std::string message;  // human-readable
  std::optional<std::int64_t> observed_generation;
};

// Sets the condition of `condition.type` in status["conditions"] (created if
// missing). lastTransitionTime becomes `now` when the condition is new or its
// status changes, and is kept otherwise, so it says when the state changed,
// not when it was last reconciled. Returns whether `status` changed, so that
// callers can skip a status write that would change nothing.
// Throws std::invalid_argument for an empty type, a status other than
// True/False/Unknown, or a reason that is not a valid API reason.
bool set_condition(nlohmann::json& status, const Condition& condition,
                   std::chrono::system_clock::time_point now);

// The condition object of `type`, or nullptr.
const nlohmann::json* find_condition(const nlohmann::json& status, std::string_view type);

// Whether the condition of `type` exists with status "True".
bool is_condition_true(const nlohmann::json& status, std::string_view type);

// Removes the condition of `type`; returns whether it was there.
bool remove_condition(nlohmann::json& status, std::string_view type);

}  // namespace kiln::runtime
