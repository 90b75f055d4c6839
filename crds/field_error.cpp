#include "crds/field_error.hpp"

#include "crds/json_fields.hpp"

namespace kiln::api {

std::string to_string(const FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.path + ": " + e.message;
  }
  return out;
}

void expect_object(const nlohmann::json& j, const char* what) {
  if (!j.is_null() && !j.is_object()) {
    throw DecodeError(std::string(what) + ": expected an object, got " + j.type_name());
  }
}

}  // namespace kiln::api
