#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "operator/oci/docker_config.hpp"
#include "operator/oci/http.hpp"
#include "operator/oci/registry_error.hpp"

namespace kiln::oci {

inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";

struct RegistryOptions {
  std::string registry;     // host[:port]
  bool plain_http = false;  // http:// instead of https:// (loopback test registries)
  TlsOptions tls;
  std::optional<Credentials> credentials;  // for Basic, and for the token server
};

struct Descriptor {
  std::string media_type;
  std::string digest;  // sha256:...
  std::uint64_t size = 0;
};

struct Manifest {
  std::string media_type;
  std::string digest;  // sha256 of `body`
  std::string body;
};

// A client of one registry speaking the OCI distribution API (/v2/). Answers a
// 401 by following its WWW-Authenticate challenge: Basic with the configured
// credentials, or Bearer, fetching a token for the request's scope from the
// challenge's realm (with the credentials when there are any, anonymously
// otherwise) and caching it per scope. Errors are typed (registry_error.hpp,
// TransportError). Not thread-safe for concurrent use of one instance.
class RegistryClient {
 public:
  explicit RegistryClient(RegistryOptions options);

  // Options for `registry` with credentials from a docker config.json file
  // (empty path: anonymous).
  static RegistryOptions options_for(const std::string& registry, const std::string& config_path,
                                     const std::string& ca_file, bool plain_http);

  const RegistryOptions& options() const { return options_; }

  // Manifests by tag or digest. head_manifest returns nullopt on 404.
  std::optional<Descriptor> head_manifest(const std::string& repository,
                                          const std::string& reference);
  // Verifies the body against `reference` when it is a digest.
  Manifest get_manifest(const std::string& repository, const std::string& reference);
  // Stores `body` under `reference` (a tag or its digest); returns its digest.
  std::string put_manifest(const std::string& repository, const std::string& reference,
                           std::string_view body, std::string_view media_type);

  // Tags the manifest `digest` as `tag` (GET by digest, verified, then PUT of
  // the same bytes under the tag: no layer is copied); returns the digest.
  std::string tag_manifest(const std::string& repository, const std::string& digest,
                           const std::string& tag);

  // Blobs. head_blob returns the size, or nullopt on 404.
  std::optional<std::uint64_t> head_blob(const std::string& repository, const std::string& digest);
  // Monolithic upload (POST, then one PUT carrying the bytes).
  void push_blob(const std::string& repository, const std::string& digest, std::string_view data);
  void push_blob(const std::string& repository, const std::string& digest,
                 const BodySource& source);
  // Chunked upload: PATCH pieces of `chunk_size` bytes, then PUT with the digest.
  void push_blob_chunked(const std::string& repository, const std::string& digest,
                         const BodySource& source, std::size_t chunk_size);
  // Cross-repository mount; false when the registry could not mount it (the
  // upload it opened instead is cancelled).
  bool mount_blob(const std::string& repository, const std::string& digest,
                  const std::string& from_repository);
  // Streams the blob to `sink`, hashing it; throws DigestMismatchError at the
  // end when the bytes do not match `digest` (the sink has then seen them:
  // write to a temporary place).
  std::uint64_t get_blob(const std::string& repository, const std::string& digest,
                         const BodySink& sink);
  std::string get_blob(const std::string& repository, const std::string& digest);

  // Requests made so far (for tests and logs).
  int requests() const { return requests_; }

 private:
  HttpResponse send(HttpRequest request, const std::string& scope);
  void authenticate(const std::string& www_authenticate, const std::string& scope);
  std::string url(const std::string& path) const;
  std::string resolve_location(const std::string& location) const;
  std::string start_upload(const std::string& repository, const std::string& query);
  void finish_upload(const std::string& repository, const std::string& location,
                     const std::string& digest, const BodySource* source, std::string_view data);

  RegistryOptions options_;
  std::map<std::string, std::string> tokens_;  // scope -> bearer token
  bool use_basic_ = false;
  int requests_ = 0;
};

std::string pull_scope(const std::string& repository);
std::string push_scope(const std::string& repository);

}  // namespace kiln::oci
