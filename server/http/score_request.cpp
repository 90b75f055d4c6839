#include "server/http/score_request.hpp"

#include <nlohmann/json.hpp>

namespace kiln::serve {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string parse_error_message(std::string_view body) {
  if (body.empty()) return "POST body is empty. Expecting JSON.";
  try {
    auto parsed = nlohmann::json::parse(body);
    if (parsed.is_discarded()) return "POST body could not be decoded as JSON.";
  } catch (const nlohmann::json::exception& e) {
    return std::string("POST body could not be decoded as JSON: ") + e.what();
  }
  return "POST body could not be decoded as JSON.";
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string mime = lower(content_type.substr(0, semi));
  while (!mime.empty() && (mime.back() == ' ' || mime.back() == '\t')) mime.pop_back();
  while (!mime.empty() && (mime.front() == ' ' || mime.front() == '\t')) mime.erase(0, 1);
  if (mime == "application/json") return true;
  return mime.starts_with("application/") && mime.ends_with("+json");
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size(), i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

bool claims_json(std::string_view content_type) {
  if (content_type.empty() || is_json_content_type(content_type)) return true;
  // curl -d and many clients send JSON as a form by default.
  return lower(content_type.substr(0, content_type.find(';'))) ==
         "application/x-www-form-urlencoded";
}

std::optional<BodyError> check_score_body(InputMode mode, std::string_view content_type,
                                          std::string_view body, bool strict_json) {
  if (mode == InputMode::kRaw) return std::nullopt;
  if (mode == InputMode::kObject) {
    if (!is_json_content_type(content_type)) {
      return BodyError{415, "Expects Content-Type to be application/json"};
    }
    return std::nullopt;
  }
  if (!strict_json) return std::nullopt;
  if (!is_valid_utf8(body)) return BodyError{400, "Input cannot be decoded as UTF-8"};
  if (claims_json(content_type)) {
    if (!nlohmann::json::accept(body)) return BodyError{400, parse_error_message(body)};
  }
  return std::nullopt;
}

}  // namespace kiln::serve
