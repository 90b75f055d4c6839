#pragma once

// Helpers for the API types' JSON conversion: optional fields are omitted
// when unset, and a field of the wrong type names its path in the error.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiln::api {

// Thrown by from_json when a field has the wrong type; what() names the field.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

template <typename T>
T decode_field(const nlohmann::json& value, const std::string& key) {
  try {
    return value.get<T>();
  } catch (const DecodeError& e) {
    throw DecodeError(key + "." + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw DecodeError(key + ": " + e.what());
  }
}

}  // namespace detail

// Reads `key` into `out` when present and not null.
template <typename T>
void read_optional(const nlohmann::json& j, const std::string& key, std::optional<T>& out) {
  if (!j.is_object()) return;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  out = detail::decode_field<T>(*it, key);
}

// Reads `key` into `out` when present; leaves `out` as it is otherwise.
template <typename T>
void read_field(const nlohmann::json& j, const std::string& key, T& out) {
  if (!j.is_object()) return;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  out = detail::decode_field<T>(*it, key);
}

template <typename T>
void write_optional(nlohmann::json& j, const std::string& key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

template <typename T>
void write_nonempty(nlohmann::json& j, const std::string& key, const T& value) {
  if (!value.empty()) j[key] = value;
}

// Throws DecodeError unless `j` is an object (or null, meaning empty).
void expect_object(const nlohmann::json& j, const char* what);

// status.conditions as the API server stores them; anything but an array is ignored.
inline void read_conditions(const nlohmann::json& j, nlohmann::json& out) {
  if (j.is_object() && j.contains("conditions") && j["conditions"].is_array()) {
    out = j["conditions"];
  }
}

}  // namespace kiln::api
