#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "server/config.hpp"
#include "server/http/score_request.hpp"

namespace kiln::serve::python {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request for run(), already checked by the HTTP layer.
struct ScoreRequest {
  std::string method;  // GET, POST or OPTIONS
  std::string path;
  std::string query;
  HeaderList headers;
  std::string body;
  std::string request_id;  // for the log and the body of a 500
};

struct ScoreResponse {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;  // extra headers (a @rawhttp response's own)
  std::string body;
  std::optional<double> run_ms;  // run()'s execution time, when it ran
  bool from_response_object =
      false;  // run() built the response itself (its headers as it set them)
};

// What a client reads when something failed, as the reference server words it.
inline constexpr const char* kRunFailedMessage =
    "An unexpected error occurred in scoring script. Check the logs for more info.";
inline constexpr const char* kInternalErrorMessage =
    "An unexpected internal error occurred. Check the logs for more info.";

// An exception raised by the script outside run() (import, init()).
struct PythonError : std::runtime_error {
  PythonError(const std::string& message, std::string tb)
      : std::runtime_error(message), traceback(std::move(tb)) {}
  std::string traceback;
};

// The entry script, loaded in this worker's interpreter. Every method takes
// the GIL itself, for exactly as long as it runs Python.
class ScoringScript {
 public:
  // Imports the script (without calling init()). Throws PythonError.
  explicit ScoringScript(const ServeConfig& config);
  ScoringScript(const ScoringScript&) = delete;
  ScoringScript& operator=(const ScoringScript&) = delete;
  ~ScoringScript();

  void init();  // the script's init(); throws PythonError

  InputMode mode() const { return mode_; }
  bool wants_headers() const { return wants_headers_; }

  // Calls run() and encodes what it returns. Never throws for what the script
  // does: an exception in run() becomes a 500 with the reference server's
  // generic message and the request id (the exception's text and traceback
  // only when `debug`; always in the log), a bad input a 4xx.
  ScoreResponse score(const ScoreRequest& request, bool debug);

  // The swagger document for version 2, 3 or 31 (OpenAPI 3.1), built once at load time.
  std::optional<std::string> swagger(int version) const;

 private:
  struct Objects;
  Objects* py_;  // owned; Python objects, only touched with the GIL held
  InputMode mode_ = InputMode::kJsonString;
  bool wants_headers_ = false;
  std::optional<std::string> swagger2_, swagger3_, swagger31_;
};

}  // namespace kiln::serve::python
