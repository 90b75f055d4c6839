#include "operator/oci/registry_error.hpp"

#include <nlohmann/json.hpp>

namespace kiln::oci {

void throw_registry_error(long status, const std::string& body, const std::string& what) {
  std::string code;
  std::string detail;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array() &&
      !doc["errors"].empty() && doc["errors"][0].is_object()) {
    const auto& e = doc["errors"][0];
    code = e.value("code", "");
    detail = e.value("message", "");
  } else if (!body.empty() && body.size() < 512) {
    detail = body;
  }
  std::string message = what + ": HTTP " + std::to_string(status);
  if (!code.empty()) message += " " + code;
  if (!detail.empty()) message += " (" + detail + ")";
  switch (status) {
    case 401:
      throw UnauthorizedError(status, code, message);
    case 403:
      throw ForbiddenError(status, code, message);
    case 404:
      throw NotFoundError(status, code, message);
    default:
      if (code == "DIGEST_INVALID") throw DigestMismatchError(status, code, message);
      throw RegistryError(status, code, message);
  }
}

}  // namespace kiln::oci
