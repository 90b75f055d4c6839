#include "operator/oci/auth_challenge.hpp"

#include <cctype>

#include "operator/oci/http.hpp"

namespace kiln::oci {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() {
    skip_space();
    return i_ >= s_.size();
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool consume(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  std::string token() {
    skip_space();
    size_t b = i_;
    while (i_ < s_.size() && is_token_char(s_[i_])) ++i_;
    return std::string(s_.substr(b, i_ - b));
  }
  std::string token68_or_quoted() {
    skip_space();
    if (i_ < s_.size() && s_[i_] == '"') {
      ++i_;
      std::string out;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        out.push_back(s_[i_++]);
      }
      if (i_ < s_.size()) ++i_;  // closing quote
      return out;
    }
    size_t b = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ' ' && s_[i_] != '\t') ++i_;
    return std::string(s_.substr(b, i_ - b));
  }
  size_t pos() const { return i_; }
  void reset(size_t p) { i_ = p; }
  void skip_to_comma() {
    while (i_ < s_.size() && s_[i_] != ',') ++i_;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::string AuthChallenge::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
  std::vector<AuthChallenge> out;
  Scanner sc(header);
  while (!sc.done()) {
    if (sc.consume(',')) continue;
    std::string scheme = sc.token();
    if (scheme.empty()) {
      sc.skip_to_comma();
      continue;
    }
    AuthChallenge ch{lower(scheme), {}};
    // Parameters until a token that is not followed by '=' (the next scheme).
    for (;;) {
      size_t mark = sc.pos();
      while (sc.consume(',')) {
      }
      if (sc.done()) break;
      std::string name = sc.token();
      if (name.empty() || !sc.consume('=')) {
        sc.reset(mark);
        if (name.empty()) sc.skip_to_comma();
        break;
      }
      ch.params[lower(name)] = sc.token68_or_quoted();
    }
    out.push_back(std::move(ch));
  }
  return out;
}

std::optional<AuthChallenge> preferred_challenge(const std::vector<AuthChallenge>& challenges) {
  for (const auto& c : challenges) {
    if (c.scheme == "bearer") return c;
  }
  for (const auto& c : challenges) {
    if (c.scheme == "basic") return c;
  }
  return std::nullopt;
}

std::string token_url(const AuthChallenge& bearer, const std::string& scope) {
  std::string url = bearer.param("realm");
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (auto service = bearer.param("service"); !service.empty()) {
    url += sep + std::string("service=") + url_encode(service);
    sep = '&';
  }
  // Several scopes (space-separated) become several scope parameters.
  std::string scopes = scope.empty() ? bearer.param("scope") : scope;
  size_t start = 0;
  while (start < scopes.size()) {
    size_t end = scopes.find(' ', start);
    if (end == std::string::npos) end = scopes.size();
    if (end > start) {
      url += sep + std::string("scope=") + url_encode(scopes.substr(start, end - start));
      sep = '&';
    }
    start = end + 1;
  }
  return url;
}

}  // namespace kiln::oci
