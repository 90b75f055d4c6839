#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiln::serve {

// The routes kiln-serve answers (azureml-inference-server-http's set plus
// /metrics). Everything else is kOther and answered 404.
enum class Route { kHealth, kScore, kSwagger, kMetrics, kOther };
inline constexpr int kRouteCount = 5;

std::string_view route_label(Route route);

struct Target {
  std::string_view path;
  std::string_view query;  // without the '?'
};
Target split_target(std::string_view target);

Route classify_path(std::string_view path);

// Percent-decodes (and turns '+' into ' '); nullopt on a malformed escape.
std::optional<std::string> url_decode(std::string_view text);

// The first value of `name` in an application/x-www-form-urlencoded query.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// GET /swagger.json?version=: "2"/"2.0" -> 2, "3"/"3.0" -> 3, "3.1" -> 31, none -> 2;
// nullopt for anything else (answered 404, as azureml-inference-server-http does).
std::optional<int> parse_swagger_version(std::string_view query);

}  // namespace kiln::serve
