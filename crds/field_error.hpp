#pragma once

#include <string>
#include <vector>

namespace kiln::api {

// One reason an object is invalid, with the path of the field at fault as
// the API server would name it (spec.autoscaling.minReplicas).
struct FieldError {
  std::string path;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

using FieldErrors = std::vector<FieldError>;

// "spec.a: message; spec.b: message"
std::string to_string(const FieldErrors& errors);

}  // namespace kiln::api
