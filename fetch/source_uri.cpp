#include "fetch/source_uri.hpp"

#include "fetch/fetch_error.hpp"
#include "operator/oci/image_reference.hpp"

namespace kiln::fetch {
namespace {

[[noreturn]] void bad(std::string_view uri, const std::string& why) {
  throw FetchError(Reason::kInvalidArguments, "--source '" + std::string(uri) + "': " + why);
}

std::string percent_decode(std::string_view s, std::string_view uri) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) bad(uri, "truncated %-escape");
      auto hex = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        bad(uri, "bad %-escape");
      };
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

SourceUri SourceUri::parse(std::string_view uri) {
  SourceUri s;
  if (uri.empty()) bad(uri, "empty");
  for (char c : uri) {
    if (static_cast<unsigned char>(c) < 0x20 || c == ' ') bad(uri, "contains spaces or controls");
  }
  if (uri.starts_with("https://") || uri.starts_with("http://")) {
    s.kind = Kind::kHttp;
    s.url = std::string(uri);
    std::string_view rest = uri.substr(uri.find("://") + 3);
    std::string_view authority = rest.substr(0, rest.find('/'));
    if (authority.empty()) bad(uri, "no host");
    if (authority.find('@') != std::string_view::npos) {
      bad(uri, "credentials in the URL are not accepted; put headers in the source secret");
    }
    if (uri.starts_with("http://") && !oci::is_loopback_registry(authority)) {
      bad(uri, "plain http is only accepted for loopback hosts; use https://");
    }
    if (rest.find('/') == std::string_view::npos || rest.substr(rest.find('/')).size() < 2) {
      bad(uri, "no path to a file");
    }
    return s;
  }
  if (uri.starts_with("s3://")) {
    s.kind = Kind::kS3;
    std::string_view rest = uri.substr(5);
    auto slash = rest.find('/');
    s.bucket = std::string(rest.substr(0, slash));
    s.key = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
    if (s.bucket.size() < 3 || s.bucket.size() > 63)
      bad(uri, "bucket name must be 3-63 characters");
    for (char c : s.bucket) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
        bad(uri, "bucket name may only hold lower-case letters, digits, '-' and '.'");
      }
    }
    return s;
  }
  if (uri.starts_with("file://")) {
    s.kind = Kind::kFile;
    std::string path = percent_decode(uri.substr(7), uri);
    if (path.empty() || path.front() != '/')
      bad(uri, "file:// needs an absolute path (file:///...)");
    for (size_t pos = 0; (pos = path.find("..", pos)) != std::string::npos; pos += 2) {
      bool start = pos == 0 || path[pos - 1] == '/';
      bool end = pos + 2 == path.size() || path[pos + 2] == '/';
      if (start && end) bad(uri, "'..' is not allowed in the path");
    }
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    s.path = path;
    return s;
  }
  if (uri.starts_with("oci://")) {
    s.kind = Kind::kOci;
    s.image = std::string(uri.substr(6));
    try {
      oci::ImageReference::parse(s.image);
    } catch (const oci::InvalidReference& e) {
      bad(uri, e.what());
    }
    return s;
  }
  bad(uri, "unsupported scheme: use https://, s3://, file:// or oci://");
}

}  // namespace kiln::fetch
