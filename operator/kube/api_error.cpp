#include "operator/kube/api_error.hpp"

#include <cstdlib>

namespace kiln::kube {
namespace {

std::string what_of(const ApiStatus& s) {
  std::string out = "kubernetes API error " + std::to_string(s.code);
  if (!s.reason.empty()) out += " " + s.reason;
  if (!s.message.empty()) out += ": " + s.message;
  return out;
}

// Retry-After as delta-seconds; the API server never sends an HTTP date.
std::optional<std::chrono::seconds> parse_retry_after(const std::string& value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  long secs = std::strtol(value.c_str(), &end, 10);
  if (end == value.c_str() || secs < 0) return std::nullopt;
  return std::chrono::seconds(secs);
}

std::string default_reason(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "";
  }
}

}  // namespace

ApiStatus api_status_from_json(int http_code, const nlohmann::json& j) {
  ApiStatus s;
  s.code = j.value("code", http_code);
  if (s.code == 0) s.code = http_code;
  s.reason = j.value("reason", "");
  s.message = j.value("message", "");
  if (auto d = j.find("details"); d != j.end() && d->is_object()) {
    for (const auto& c : d->value("causes", nlohmann::json::array())) {
      s.causes.push_back({c.value("reason", ""), c.value("message", ""), c.value("field", "")});
    }
    if (auto ra = d->find("retryAfterSeconds"); ra != d->end() && ra->is_number_integer()) {
      s.retry_after = std::chrono::seconds(ra->get<long>());
    }
  }
  if (s.reason.empty()) s.reason = default_reason(s.code);
  return s;
}

ApiStatus parse_api_status(int http_code, const std::string& body,
                           const std::string& retry_after_header) {
  ApiStatus s;
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.value("kind", "") == "Status") {
    s = api_status_from_json(http_code, j);
    s.code = http_code;  // the HTTP code is authoritative for the response
  } else {
    s.code = http_code;
    s.reason = default_reason(http_code);
    s.message = body.substr(0, 512);
  }
  // The header wins: the server sets both, and proxies may only set the header.
  if (auto ra = parse_retry_after(retry_after_header)) s.retry_after = ra;
  return s;
}

ApiError::ApiError(ApiStatus status)
    : std::runtime_error(what_of(status)), status_(std::move(status)) {}

void throw_api_error(ApiStatus s) {
  switch (s.code) {
    case 401:
      throw UnauthorizedError(std::move(s));
    case 403:
      throw ForbiddenError(std::move(s));
    case 404:
      throw NotFoundError(std::move(s));
    case 409:
      if (s.reason == "AlreadyExists") throw AlreadyExistsError(std::move(s));
      throw ConflictError(std::move(s));
    case 410:
      throw GoneError(std::move(s));
    case 422:
      throw InvalidError(std::move(s));
    case 429:
      throw TooManyRequestsError(std::move(s));
    default:
      throw ApiError(std::move(s));
  }
}

}  // namespace kiln::kube
