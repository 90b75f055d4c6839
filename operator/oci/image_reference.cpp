#include "operator/oci/image_reference.hpp"

#include <cctype>

#include "operator/oci/digest.hpp"

namespace kiln::oci {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool is_valid_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    char ch = c[i];
    if (lower_alnum(ch)) continue;
    if (ch == '-') continue;
    if (ch == '.' || ch == '_') {
      if (c[i - 1] == '.' || (c[i - 1] == '-')) return false;
      if (ch == '_' && c[i + 1] == '_' && i + 2 < c.size() && c[i + 2] == '_') return false;
      if (ch == '.' && !lower_alnum(c[i + 1])) return false;
      continue;
    }
    return false;
  }
  return true;
}

bool is_valid_registry(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  std::string_view name = host;
  if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.front() != '[') {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    name = host.substr(0, colon);
  }
  if (name.empty()) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '[' ||
          c == ']' || c == ':')) {
      return false;
    }
  }
  return true;
}

bool looks_like_host(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

}  // namespace

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i];
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
              (i > 0 && (c == '.' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

bool is_valid_repository(std::string_view repository) {
  if (repository.empty() || repository.size() > 255) return false;
  size_t start = 0;
  for (;;) {
    size_t slash = repository.find('/', start);
    std::string_view c = repository.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!is_valid_component(c)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool is_loopback_registry(std::string_view registry) {
  std::string_view host = registry;
  if (host.starts_with("[")) {
    return host.starts_with("[::1]");
  }
  if (auto colon = host.find(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  return host == "localhost" || host.starts_with("127.");
}

ImageReference ImageReference::parse(std::string_view text) {
  if (text.empty()) throw InvalidReference("image reference is empty");
  if (text.find("://") != std::string_view::npos) {
    throw InvalidReference("image reference '" + std::string(text) +
                           "' must not have a scheme: write host[:port]/path[:tag][@sha256:...]");
  }
  ImageReference ref;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!is_sha256_digest(ref.digest)) {
      throw InvalidReference("image reference '" + std::string(text) + "': digest '" + ref.digest +
                             "' is not sha256:<64 lower-case hex digits>");
    }
  }
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || !looks_like_host(rest.substr(0, slash))) {
    throw InvalidReference("image reference '" + std::string(text) +
                           "' has no registry host: write host[:port]/path (e.g. "
                           "registry.example.com/models/x)");
  }
  ref.registry = std::string(rest.substr(0, slash));
  if (!is_valid_registry(ref.registry)) {
    throw InvalidReference("image reference '" + std::string(text) + "': registry host '" +
                           ref.registry + "' is not a valid host[:port]");
  }
  std::string_view path = rest.substr(slash + 1);
  auto last_slash = path.rfind('/');
  auto colon = path.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(path.substr(colon + 1));
    path = path.substr(0, colon);
    if (!is_valid_tag(ref.tag)) {
      throw InvalidReference("image reference '" + std::string(text) + "': tag '" + ref.tag +
                             "' is not valid ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    }
  }
  ref.repository = std::string(path);
  if (!is_valid_repository(ref.repository)) {
    throw InvalidReference("image reference '" + std::string(text) + "': repository '" +
                           ref.repository +
                           "' is not valid (lower-case letters, digits and . _ - separators, "
                           "components joined by /)");
  }
  return ref;
}

std::string ImageReference::reference() const {
  if (!digest.empty()) return digest;
  if (!tag.empty()) return tag;
  return "latest";
}

std::string ImageReference::to_string() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string ImageReference::pinned(std::string_view d) const {
  return name() + "@" + std::string(d);
}

}  // namespace kiln::oci
