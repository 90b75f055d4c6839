#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiln::kube {

// One entry of a Status's details.causes (422 Invalid names the bad fields).
struct StatusCause {
  std::string reason;  // e.g. FieldValueRequired
  std::string message;
  std::string field;  // e.g. metadata.name
};

// A metav1.Status returned by the API server for a failed request.
struct ApiStatus {
  int code = 0;         // HTTP status code
  std::string reason;   // NotFound, AlreadyExists, Conflict, Expired, Gone, Invalid, ...
  std::string message;  // human-readable
  std::vector<StatusCause> causes;
  std::optional<std::chrono::seconds> retry_after;  // Retry-After header or details
};

// Parses a Status body (falling back to the raw body as message when it is not
// one) and the Retry-After header value, if any.
ApiStatus parse_api_status(int http_code, const std::string& body,
                           const std::string& retry_after_header = "");
ApiStatus api_status_from_json(int http_code, const nlohmann::json& status);

// A request the API server answered with a non-2xx status. Subclasses let a
// caller catch exactly the outcomes it handles (a 404 during delete, a 409 to
// retry) and let the rest propagate.
class ApiError : public std::runtime_error {
 public:
  explicit ApiError(ApiStatus status);
  const ApiStatus& status() const { return status_; }
  int code() const { return status_.code; }
  const std::string& reason() const { return status_.reason; }

 private:
  ApiStatus status_;
};

class NotFoundError : public ApiError {  // 404
  using ApiError::ApiError;
};
class AlreadyExistsError : public ApiError {  // 409, reason AlreadyExists
  using ApiError::ApiError;
};
class ConflictError : public ApiError {  // 409, stale resourceVersion
  using ApiError::ApiError;
};
class GoneError : public ApiError {  // 410: resourceVersion compacted away
  using ApiError::ApiError;
};
class InvalidError : public ApiError {  // 422, with causes
  using ApiError::ApiError;
};
class TooManyRequestsError : public ApiError {  // 429, retry_after set when known
  using ApiError::ApiError;
};
class UnauthorizedError : public ApiError {  // 401
  using ApiError::ApiError;
};
class ForbiddenError : public ApiError {  // 403
  using ApiError::ApiError;
};

// Throws the ApiError subclass that matches the status.
[[noreturn]] void throw_api_error(ApiStatus status);

// The request never got an HTTP answer (connection refused, TLS failure, timeout).
class TransportError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace kiln::kube
