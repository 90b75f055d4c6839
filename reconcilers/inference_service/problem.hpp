#pragma once

// Why a condition is not True: a CamelCase reason and a message that says what
// to do about it.

#include <string>

namespace kiln::reconcilers::inference_service {

struct Problem {
  std::string reason;
  std::string message;
  bool operator==(const Problem&) const = default;
};

}  // namespace kiln::reconcilers::inference_service
