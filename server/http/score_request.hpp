#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiln::serve {

// How the entry script's run() takes its input, decided once per worker from
// its signature, the way azureml-inference-server-http decides it.
enum class InputMode {
  kJsonString,  // plain run(raw_data): the body as a str
  kObject,      // @input_schema-decorated: the body's JSON object as keyword arguments
  kRaw,         // @rawhttp: the whole request
};

struct BodyError {
  int status;           // 400 or 415
  std::string message;  // for the JSON error body
};

// True for application/json and any application/<x>+json, parameters ignored.
bool is_json_content_type(std::string_view content_type);

bool is_valid_utf8(std::string_view text);

// True when a body of this type is meant to be JSON: no type at all, a JSON
// type, or application/x-www-form-urlencoded (what `curl -d` sends).
bool claims_json(std::string_view content_type);

// Checks a POST /score body before any Python runs, for what the reference
// server also refuses before run(): a decorated (@input_schema) run() needs a
// JSON content type (415; the JSON itself is checked where the parameters are
// extracted, with Python's messages). A plain run(raw_data) gets every body,
// malformed or empty JSON included, as the reference server hands it over
// (invalid UTF-8 is refused where the body is decoded), unless `strict_json`
// (KILN_STRICT_JSON): then a body that claims to be JSON (see claims_json)
// must parse and be UTF-8, else 400 with the parser's message. @rawhttp
// scripts get anything.
std::optional<BodyError> check_score_body(InputMode mode, std::string_view content_type,
                                          std::string_view body, bool strict_json = false);

}  // namespace kiln::serve
