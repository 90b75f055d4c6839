#pragma once

// Why a condition is not True: a CamelCase reason and a message that says what
// to do about it.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kiln::reconcilers::inference_service {

struct Problem {
  std::string reason;
  std::string message;
  bool operator==(const Problem&) const = default;
};

// A copy of the condition of `type` in a conditions array (null when absent).
inline nlohmann::json condition_in(const nlohmann::json& conditions, std::string_view type) {
  if (!conditions.is_array()) return nullptr;
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == type) return c;
  }
  return nullptr;
}

}  // namespace kiln::reconcilers::inference_service
