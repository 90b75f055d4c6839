#include "crds/source_uri.hpp"

#include <algorithm>
#include <cctype>

#include "crds/text_checks.hpp"

namespace kiln::api {
namespace {

bool has_dotdot_segment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

bool has_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// Four dot-separated runs of digits.
bool looks_like_ipv4(const std::string& s) {
  int parts = 0;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find('.', start);
    if (end == std::string::npos) end = s.size();
    if (!is_digits(std::string_view(s).substr(start, end - start))) return false;
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

std::string check_s3_bucket(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63 || !is_dns_subdomain(bucket)) {
    return "an S3 bucket name is 3-63 lower-case letters, digits, dots and hyphens";
  }
  if (bucket.find("..") != std::string::npos) return "an S3 bucket name has no adjacent dots";
  if (looks_like_ipv4(bucket)) return "an S3 bucket name may not look like an IP address";
  return {};
}

SourceUriResult fail(std::string message) {
  return {std::nullopt, std::move(message)};
}

}  // namespace

std::string_view to_string(SourceScheme scheme) {
  switch (scheme) {
    case SourceScheme::https:
      return "https";
    case SourceScheme::http:
      return "http";
    case SourceScheme::s3:
      return "s3";
    case SourceScheme::oci:
      return "oci";
    case SourceScheme::pvc:
      return "pvc";
  }
  return "unknown";
}

SourceUriResult parse_source_uri(std::string_view text) {
  static const std::pair<std::string_view, SourceScheme> kSchemes[] = {
      {"https://", SourceScheme::https},
      {"http://", SourceScheme::http},
      {"s3://", SourceScheme::s3},
      {"oci://", SourceScheme::oci},
      {"pvc://", SourceScheme::pvc}};
  SourceUri out;
  out.uri = std::string(text);
  std::string_view rest;
  bool matched = false;
  for (const auto& [prefix, scheme] : kSchemes) {
    if (text.starts_with(prefix)) {
      out.scheme = scheme;
      rest = text.substr(prefix.size());
      matched = true;
      break;
    }
  }
  if (!matched) return fail("must start with https://, http://, s3://, oci:// or pvc://");
  if (has_space(text)) return fail("may not contain spaces");
  auto slash = rest.find('/');
  out.authority = std::string(rest.substr(0, slash));
  out.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (out.authority.empty()) return fail("needs a host, bucket or claim after the scheme");

  switch (out.scheme) {
    case SourceScheme::https:
    case SourceScheme::http:
      break;
    case SourceScheme::s3:
      if (auto error = check_s3_bucket(out.authority); !error.empty()) return fail(error);
      break;
    case SourceScheme::pvc: {
      if (!is_dns_label(out.authority)) {
        return fail("a pvc URI is pvc://<claim name>/<path>; the claim name is a DNS label");
      }
      if (out.path.empty()) return fail("a pvc URI needs a path inside the volume");
      if (has_dotdot_segment(out.path)) return fail("a pvc path may not contain '..'");
      break;
    }
    case SourceScheme::oci: {
      std::string repo = out.path;
      if (auto at = repo.find('@'); at != std::string::npos) {
        out.digest = repo.substr(at + 1);
        repo = repo.substr(0, at);
        if (!is_sha256_digest(*out.digest)) {
          return fail("an oci digest is @sha256:<64 lower-case hex digits>");
        }
      }
      if (auto colon = repo.rfind(':'); colon != std::string::npos) {
        out.tag = repo.substr(colon + 1);
        repo = repo.substr(0, colon);
      }
      if (!is_repository_path(repo)) {
        return fail("an oci URI is oci://host[:port]/repository[:tag][@sha256:<digest>]");
      }
      out.path = repo;
      break;
    }
  }
  return {std::move(out), {}};
}

std::string pvc_file_uri(const SourceUri& pvc) {
  return "file://" + std::string(kSourceMountPath) + "/" + pvc.path;
}

}  // namespace kiln::api
