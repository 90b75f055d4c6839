#include "crds/quantity.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <string>
#include <utility>

namespace kiln::api {
namespace {

std::optional<long double> suffix_multiplier(std::string_view suffix) {
  static const std::array<std::pair<std::string_view, long double>, 15> kSuffixes = {{
      {"", 1.0L},
      {"n", 1e-9L},
      {"u", 1e-6L},
      {"m", 1e-3L},
      {"k", 1e3L},
      {"M", 1e6L},
      {"G", 1e9L},
      {"T", 1e12L},
      {"P", 1e15L},
      {"E", 1e18L},
      {"Ki", 1024.0L},
      {"Mi", 1024.0L * 1024},
      {"Gi", 1024.0L * 1024 * 1024},
      {"Ti", 1024.0L * 1024 * 1024 * 1024},
      {"Pi", 1024.0L * 1024 * 1024 * 1024 * 1024},
  }};
  for (const auto& [name, value] : kSuffixes) {
    if (name == suffix) return value;
  }
  if (suffix == "Ei") return 1024.0L * 1024 * 1024 * 1024 * 1024 * 1024;
  return std::nullopt;
}

}  // namespace

std::optional<long double> parse_quantity(std::string_view text) {
  std::size_t i = 0;
  long double sign = 1;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    if (text[i] == '-') sign = -1;
    ++i;
  }
  const std::size_t number_start = i;
  bool digits = false, dot = false;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    if (text[i] == '.') {
      if (dot) return std::nullopt;
      dot = true;
    } else {
      digits = true;
    }
    ++i;
  }
  if (!digits) return std::nullopt;
  const long double number = std::stold(std::string(text.substr(number_start, i - number_start)));
  std::string_view suffix = text.substr(i);
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E') && suffix.size() > 1) {
    std::string exponent(suffix.substr(1));
    std::size_t used = 0;
    int e = 0;
    try {
      e = std::stoi(exponent, &used);
    } catch (...) {
      return std::nullopt;
    }
    if (used != exponent.size()) return std::nullopt;
    return sign * number * std::pow(10.0L, e);
  }
  auto multiplier = suffix_multiplier(suffix);
  if (!multiplier) return std::nullopt;
  return sign * number * *multiplier;
}

}  // namespace kiln::api
