#include "crds/text_checks.hpp"

#include <cctype>
#include <string>

namespace kiln::api {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

// first and last in `ends`, the middle in `ends` or `extra`.
template <typename Ends, typename Middle>
bool bounded(std::string_view s, Ends ends, Middle middle) {
  if (s.empty() || !ends(s.front()) || !ends(s.back())) return false;
  for (char c : s) {
    if (!ends(c) && !middle(c)) return false;
  }
  return true;
}

}  // namespace

bool is_dns_label(std::string_view s) {
  return s.size() <= 63 && bounded(s, lower_alnum, [](char c) { return c == '-'; });
}

bool is_dns_subdomain(std::string_view s) {
  return s.size() <= 253 && bounded(s, lower_alnum, [](char c) { return c == '-' || c == '.'; });
}

bool is_lower_hex(std::string_view s, std::size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!digit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

bool is_sha256_digest(std::string_view s) {
  return s.starts_with("sha256:") && is_lower_hex(s.substr(7), 64);
}

bool is_c_identifier(std::string_view s) {
  if (s.empty() || digit(s.front())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '_') return false;
  }
  return true;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!digit(c)) return false;
  }
  return true;
}

bool is_repository_path(std::string_view s) {
  // Components of [a-z0-9]+ joined by exactly one of . _ / -
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  bool after_separator = false;
  for (char c : s) {
    if (lower_alnum(c)) {
      after_separator = false;
    } else if (c == '.' || c == '_' || c == '/' || c == '-') {
      if (after_separator) return false;
      after_separator = true;
    } else {
      return false;
    }
  }
  return true;
}

bool is_image_reference_text(std::string_view s) {
  if (s.empty() || !lower_alnum(s.front()) || s.find("://") != std::string_view::npos) {
    return false;
  }
  // ':' '/' '@' separate; each must be followed by at least one of [a-zA-Z0-9_.-].
  bool need_part = false;
  for (char c : s) {
    if (c == ':' || c == '/' || c == '@') {
      if (need_part) return false;
      need_part = true;
    } else if (alnum(c) || c == '_' || c == '.' || c == '-') {
      need_part = false;
    } else {
      return false;
    }
  }
  return !need_part;
}

bool is_extended_resource_name(std::string_view s) {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos || s.find('/', slash + 1) != std::string_view::npos) {
    return false;
  }
  return s.size() <= 253 && is_dns_subdomain(s.substr(0, slash)) &&
         bounded(s.substr(slash + 1), alnum,
                 [](char c) { return c == '-' || c == '_' || c == '.'; });
}

bool has_line_starting_with(std::string_view text, std::string_view word) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(pos, end - pos);
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (line.size() > i + word.size()) {
      bool same = true;
      for (std::size_t k = 0; k < word.size(); ++k) {
        if (std::tolower(static_cast<unsigned char>(line[i + k])) !=
            std::tolower(static_cast<unsigned char>(word[k]))) {
          same = false;
          break;
        }
      }
      const char after = line[i + word.size()];
      if (same && (after == ' ' || after == '\t')) return true;
    }
    pos = end + 1;
  }
  return false;
}

std::optional<long long> mig_profile_gigabytes(std::string_view profile) {
  // <1-7>g.<digits>gb
  if (profile.size() < 6 || profile[0] < '1' || profile[0] > '7' || profile.substr(1, 2) != "g." ||
      !profile.ends_with("gb")) {
    return std::nullopt;
  }
  const auto number = profile.substr(3, profile.size() - 5);
  if (!is_digits(number) || number.size() > 6) return std::nullopt;
  return std::stoll(std::string(number));
}

}  // namespace kiln::api
