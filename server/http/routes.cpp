#include "server/http/routes.hpp"

namespace kiln::serve {

std::string_view route_label(Route route) {
  switch (route) {
    case Route::kHealth:
      return "/";
    case Route::kScore:
      return "/score";
    case Route::kSwagger:
      return "/swagger.json";
    case Route::kMetrics:
      return "/metrics";
    case Route::kOther:
      break;
  }
  return "other";
}

Target split_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

Route classify_path(std::string_view path) {
  if (path == "/") return Route::kHealth;
  if (path == "/score") return Route::kScore;
  if (path == "/swagger.json") return Route::kSwagger;
  if (path == "/metrics") return Route::kMetrics;
  return Route::kOther;
}

std::optional<std::string> url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int h = hex(text[i + 1]), l = hex(text[i + 2]);
      if (h < 0 || l < 0) return std::nullopt;
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    auto key = url_decode(pair.substr(0, eq));
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string();
    return url_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<int> parse_swagger_version(std::string_view query) {
  auto v = query_param(query, "version");
  if (!v) return 2;
  if (*v == "2" || *v == "2.0") return 2;
  if (*v == "3" || *v == "3.0") return 3;
  if (*v == "3.1") return 31;
  return std::nullopt;
}

}  // namespace kiln::serve
