#pragma once

// Reading one field of a Kubernetes object without copying: the object may
// be a whole Deployment as the API server returned it, and a reconcile reads
// a handful of its fields.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace kiln::kube {

// object[name], or null when `object` is not an object or lacks it.
inline const nlohmann::json& json_member(const nlohmann::json& object, const char* name) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

// object[name] when it is a string, else "".
inline std::string json_string(const nlohmann::json& object, const char* name) {
  const nlohmann::json& v = json_member(object, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// object[name] when it is an integer, else 0.
inline std::int64_t json_integer(const nlohmann::json& object, const char* name) {
  const nlohmann::json& v = json_member(object, name);
  return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

}  // namespace kiln::kube
