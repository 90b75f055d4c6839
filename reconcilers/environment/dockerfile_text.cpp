#include "reconcilers/environment/dockerfile_text.hpp"

#include <nlohmann/json.hpp>

namespace kiln::reconcilers::environment {

std::optional<std::string> env_value(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '\n' || c == '\r') return std::nullopt;
    if (c == '\\' || c == '"' || c == '$') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string exec_form(const std::vector<std::string>& words) {
  return nlohmann::json(words).dump();
}

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + "\n";
  return out;
}

}  // namespace kiln::reconcilers::environment
