#include "operator/oci/registry_client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "operator/oci/auth_challenge.hpp"
#include "operator/oci/digest.hpp"

namespace kiln::oci {
namespace {

const std::string kManifestAccept = "Accept: " + std::string(kOciManifest) + ", " +
                                    std::string(kOciIndex) + ", " + std::string(kDockerManifest) +
                                    ", " + std::string(kDockerManifestList);

bool ok(long status) {
  return status >= 200 && status < 300;
}

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? '?' : '&') + query;
}

// A window of at most `limit` bytes over another source (one PATCH chunk).
BodySource window(const BodySource& parent, std::uint64_t limit) {
  BodySource w;
  w.size = limit;
  auto left = std::make_shared<std::uint64_t>(limit);
  w.read = [&parent, left](char* buf, std::size_t n) -> std::size_t {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, *left));
    if (want == 0) return 0;
    std::size_t got = parent.read(buf, want);
    *left -= got;
    return got;
  };
  return w;
}

}  // namespace

std::string pull_scope(const std::string& repository) {
  return "repository:" + repository + ":pull";
}
std::string push_scope(const std::string& repository) {
  return "repository:" + repository + ":pull,push";
}

RegistryClient::RegistryClient(RegistryOptions options) : options_(std::move(options)) {}

RegistryOptions RegistryClient::options_for(const std::string& registry,
                                            const std::string& config_path,
                                            const std::string& ca_file, bool plain_http) {
  RegistryOptions o;
  o.registry = registry;
  o.plain_http = plain_http;
  o.tls.ca_file = ca_file;
  if (!config_path.empty()) o.credentials = DockerConfig::load(config_path).find(registry);
  return o;
}

std::string RegistryClient::url(const std::string& path) const {
  return (options_.plain_http ? "http://" : "https://") + options_.registry + path;
}

std::string RegistryClient::resolve_location(const std::string& location) const {
  if (location.empty()) {
    throw RegistryError(0, "", "registry " + options_.registry + " gave no upload Location");
  }
  if (location.starts_with("http://") || location.starts_with("https://")) return location;
  return url(location.front() == '/' ? location : "/" + location);
}

HttpResponse RegistryClient::send(HttpRequest request, const std::string& scope) {
  const auto base_headers = request.headers;
  auto add_auth = [&](HttpRequest& r) {
    r.headers = base_headers;
    if (auto t = tokens_.find(scope); t != tokens_.end()) {
      r.headers.push_back("Authorization: Bearer " + t->second);
    } else if (use_basic_ && options_.credentials) {
      r.headers.push_back(
          "Authorization: Basic " +
          base64_encode(options_.credentials->username + ":" + options_.credentials->password));
    }
  };
  add_auth(request);
  ++requests_;
  HttpResponse response = perform(request, options_.tls);
  if (response.status != 401) return response;

  authenticate(response.header("www-authenticate"), scope);
  if (request.source != nullptr) {
    if (!request.source->rewind) {
      throw UnauthorizedError(
          401, "",
          "registry " + options_.registry + " asked to authenticate in the middle of an upload");
    }
    request.source->rewind();
  }
  add_auth(request);
  ++requests_;
  response = perform(request, options_.tls);
  if (response.status == 401) {
    throw_registry_error(401, response.body,
                         "registry " + options_.registry + " refused the credentials for " +
                             request.method + " " + request.url);
  }
  return response;
}

void RegistryClient::authenticate(const std::string& www_authenticate, const std::string& scope) {
  auto challenge = preferred_challenge(parse_www_authenticate(www_authenticate));
  const std::string where = "registry " + options_.registry;
  if (!challenge) {
    throw UnauthorizedError(401, "",
                            where + " requires authentication but sent no usable " +
                                "WWW-Authenticate challenge ('" + www_authenticate + "')");
  }
  if (challenge->scheme == "basic") {
    if (!options_.credentials || options_.credentials->empty()) {
      throw UnauthorizedError(401, "",
                              where + " requires a user name and password; none is " +
                                  "configured for it in the docker config");
    }
    if (use_basic_) {
      throw UnauthorizedError(401, "", where + " refused the configured user name and password");
    }
    use_basic_ = true;
    return;
  }
  // Bearer: ask the token server for this scope.
  const std::string realm = challenge->param("realm");
  if (realm.empty()) {
    throw UnauthorizedError(401, "", where + " sent a Bearer challenge without a realm");
  }
  HttpRequest token_request;
  token_request.url = token_url(*challenge, scope);
  if (options_.credentials && !options_.credentials->empty()) {
    const auto& c = *options_.credentials;
    token_request.userpwd =
        c.identity_token.empty() ? c.username + ":" + c.password : "<token>:" + c.identity_token;
  }
  ++requests_;
  HttpResponse r = perform(token_request, options_.tls);
  if (r.status == 401 || r.status == 403) {
    throw UnauthorizedError(r.status, "UNAUTHORIZED",
                            "token server " + realm + " refused the credentials for " + where +
                                " (HTTP " + std::to_string(r.status) + ")");
  }
  if (!ok(r.status)) throw_registry_error(r.status, r.body, "token server " + realm);
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  std::string token;
  if (doc.is_object()) {
    token = doc.value("token", "");
    if (token.empty()) token = doc.value("access_token", "");
  }
  if (token.empty()) {
    throw UnauthorizedError(401, "", "token server " + realm + " answered without a token");
  }
  tokens_[scope] = token;
}

std::optional<Descriptor> RegistryClient::head_manifest(const std::string& repository,
                                                        const std::string& reference) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = url("/v2/" + repository + "/manifests/" + reference);
  req.headers.push_back(kManifestAccept);
  auto r = send(req, pull_scope(repository));
  if (r.status == 404) return std::nullopt;
  if (!ok(r.status)) throw_registry_error(r.status, r.body, "HEAD " + req.url);
  Descriptor d;
  d.media_type = r.header("content-type");
  d.digest = r.header("docker-content-digest");
  std::string length = r.header("content-length");
  d.size = length.empty() ? 0 : std::stoull(length);
  if (d.digest.empty() && is_sha256_digest(reference)) d.digest = reference;
  if (d.digest.empty()) {
    // No Docker-Content-Digest: the digest of the bytes is the truth.
    d.digest = get_manifest(repository, reference).digest;
  }
  return d;
}

Manifest RegistryClient::get_manifest(const std::string& repository, const std::string& reference) {
  HttpRequest req;
  req.url = url("/v2/" + repository + "/manifests/" + reference);
  req.headers.push_back(kManifestAccept);
  auto r = send(req, pull_scope(repository));
  if (!ok(r.status)) throw_registry_error(r.status, r.body, "GET " + req.url);
  Manifest m;
  m.media_type = r.header("content-type");
  m.body = std::move(r.body);
  m.digest = sha256_digest(sha256_hex(m.body));
  if (is_sha256_digest(reference) && m.digest != reference) {
    throw DigestMismatchError(200, "DIGEST_INVALID",
                              "manifest " + repository + "@" + reference + " from registry " +
                                  options_.registry + " hashes to " + m.digest);
  }
  if (m.media_type.empty() || m.media_type == "application/octet-stream") {
    auto doc = nlohmann::json::parse(m.body, nullptr, false);
    if (doc.is_object()) m.media_type = doc.value("mediaType", std::string(kOciManifest));
  }
  return m;
}

std::string RegistryClient::put_manifest(const std::string& repository,
                                         const std::string& reference, std::string_view body,
                                         std::string_view media_type) {
  HttpRequest req;
  req.method = "PUT";
  req.url = url("/v2/" + repository + "/manifests/" + reference);
  req.headers.push_back("Content-Type: " + std::string(media_type));
  req.body = std::string(body);
  auto r = send(req, push_scope(repository));
  if (!ok(r.status)) throw_registry_error(r.status, r.body, "PUT " + req.url);
  std::string digest = sha256_digest(sha256_hex(body));
  std::string reported = r.header("docker-content-digest");
  if (!reported.empty() && reported != digest) {
    throw DigestMismatchError(r.status, "DIGEST_INVALID",
                              "registry " + options_.registry + " stored manifest as " + reported +
                                  ", expected " + digest);
  }
  return digest;
}

std::string RegistryClient::tag_manifest(const std::string& repository, const std::string& digest,
                                         const std::string& tag) {
  Manifest m = get_manifest(repository, digest);
  return put_manifest(repository, tag, m.body, m.media_type);
}

std::optional<std::uint64_t> RegistryClient::head_blob(const std::string& repository,
                                                       const std::string& digest) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = url("/v2/" + repository + "/blobs/" + digest);
  req.follow_redirects = true;
  auto r = send(req, pull_scope(repository));
  if (r.status == 404) return std::nullopt;
  if (!ok(r.status)) throw_registry_error(r.status, r.body, "HEAD " + req.url);
  std::string length = r.header("content-length");
  return length.empty() ? 0 : std::stoull(length);
}

std::string RegistryClient::start_upload(const std::string& repository, const std::string& query) {
  HttpRequest req;
  req.method = "POST";
  req.url = url("/v2/" + repository + "/blobs/uploads/" + (query.empty() ? "" : "?" + query));
  auto r = send(req, push_scope(repository));
  if (r.status != 202 && r.status != 201) {
    throw_registry_error(r.status, r.body, "POST " + req.url);
  }
  if (r.status == 201) return {};  // mounted
  return resolve_location(r.header("location"));
}

void RegistryClient::finish_upload(const std::string& repository, const std::string& location,
                                   const std::string& digest, const BodySource* source,
                                   std::string_view data) {
  HttpRequest req;
  req.method = "PUT";
  req.url = with_query(location, "digest=" + url_encode(digest));
  req.headers.push_back("Content-Type: application/octet-stream");
  req.source = source;
  if (source == nullptr) req.body = std::string(data);
  auto r = send(req, push_scope(repository));
  if (r.status != 201 && !ok(r.status)) {
    throw_registry_error(r.status, r.body, "PUT blob " + digest + " to " + repository);
  }
}

void RegistryClient::push_blob(const std::string& repository, const std::string& digest,
                               std::string_view data) {
  std::string location = start_upload(repository, "");
  finish_upload(repository, location, digest, nullptr, data);
}

void RegistryClient::push_blob(const std::string& repository, const std::string& digest,
                               const BodySource& source) {
  std::string location = start_upload(repository, "");
  finish_upload(repository, location, digest, &source, {});
}

void RegistryClient::push_blob_chunked(const std::string& repository, const std::string& digest,
                                       const BodySource& source, std::size_t chunk_size) {
  if (chunk_size == 0) throw std::invalid_argument("chunk size must be positive");
  if (source.rewind) source.rewind();
  std::string location = start_upload(repository, "");
  std::uint64_t offset = 0;
  while (offset < source.size) {
    std::uint64_t n = std::min<std::uint64_t>(chunk_size, source.size - offset);
    BodySource piece = window(source, n);
    HttpRequest req;
    req.method = "PATCH";
    req.url = location;
    req.headers.push_back("Content-Type: application/octet-stream");
    req.headers.push_back("Content-Range: " + std::to_string(offset) + "-" +
                          std::to_string(offset + n - 1));
    req.source = &piece;
    auto r = send(req, push_scope(repository));
    if (r.status != 202) throw_registry_error(r.status, r.body, "PATCH blob " + digest);
    location = resolve_location(r.header("location"));
    offset += n;
  }
  finish_upload(repository, location, digest, nullptr, {});
}

bool RegistryClient::mount_blob(const std::string& repository, const std::string& digest,
                                const std::string& from_repository) {
  const std::string scope = push_scope(repository) + " " + pull_scope(from_repository);
  HttpRequest req;
  req.method = "POST";
  req.url = url("/v2/" + repository + "/blobs/uploads/?mount=" + url_encode(digest) +
                "&from=" + url_encode(from_repository));
  auto r = send(req, scope);
  if (r.status == 201) return true;
  if (r.status == 202) {
    // The registry opened an ordinary upload instead: cancel it.
    HttpRequest cancel;
    cancel.method = "DELETE";
    cancel.url = resolve_location(r.header("location"));
    send(cancel, scope);
    return false;
  }
  throw_registry_error(r.status, r.body, "mount " + digest + " from " + from_repository);
}

std::uint64_t RegistryClient::get_blob(const std::string& repository, const std::string& digest,
                                       const BodySink& sink) {
  if (!is_sha256_digest(digest)) {
    throw std::invalid_argument("blob digest '" + digest + "' is not sha256:<hex>");
  }
  Sha256 hash;
  std::uint64_t size = 0;
  BodySink hashing = [&](std::string_view piece) {
    hash.update(piece);
    size += piece.size();
    return sink(piece);
  };
  HttpRequest req;
  req.url = url("/v2/" + repository + "/blobs/" + digest);
  req.follow_redirects = true;
  req.sink = &hashing;
  auto r = send(req, pull_scope(repository));
  if (!ok(r.status)) throw_registry_error(r.status, r.body, "GET " + req.url);
  std::string got = sha256_digest(hash.hex());
  if (got != digest) {
    throw DigestMismatchError(r.status, "DIGEST_INVALID",
                              "blob " + repository + "@" + digest + " from registry " +
                                  options_.registry + " hashes to " + got);
  }
  return size;
}

std::string RegistryClient::get_blob(const std::string& repository, const std::string& digest) {
  std::string out;
  get_blob(repository, digest, [&](std::string_view piece) {
    out.append(piece);
    return true;
  });
  return out;
}

}  // namespace kiln::oci
