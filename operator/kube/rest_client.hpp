#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/kube/api_error.hpp"
#include "operator/kube/kubeconfig.hpp"
#include "operator/kube/resource_ref.hpp"

namespace kiln::kube {

using Query = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // /api/v1/...
  Query query;
  std::string body;
  std::string content_type;  // of the body
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string retry_after;   // Retry-After header, verbatim
  std::string protocol;      // "HTTP/1.1" or "HTTP/2"
  long new_connections = 0;  // connections opened for this request (0: one was reused)
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 0;  // page size; 0: no paging
  std::string continue_token;
  std::string resource_version;  // "" = most recent (quorum read)
};

struct WatchOptions {
  std::string resource_version;
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  int timeout_seconds = 0;  // server closes the stream after this; 0: server default
};

enum class PropagationPolicy { kDefault, kForeground, kBackground, kOrphan };

struct DeleteOptions {
  PropagationPolicy propagation = PropagationPolicy::kDefault;
  std::optional<int> grace_period_seconds;
  std::string precondition_uid;
  std::string precondition_resource_version;
};

enum class PatchType {
  kMerge,           // application/merge-patch+json
  kJson,            // application/json-patch+json
  kStrategicMerge,  // application/strategic-merge-patch+json (built-in kinds only)
  kApply,           // application/apply-patch+yaml: server-side apply
};

struct PatchOptions {
  std::string field_manager;  // required for kApply
  bool force = false;         // kApply: take ownership of conflicting fields
  std::string subresource;    // "status", "scale", ...
};

// Called with each chunk of a streaming response; return false to stop.
using ChunkSink = std::function<bool(std::string_view)>;

// A thread-safe client for one API server. Requests borrow a libcurl handle
// from a pool so TCP/TLS connections are reused across calls; handles share
// DNS and TLS-session caches; HTTP/2 is negotiated where the server offers it.
// Non-2xx answers throw the matching ApiError subclass.
class RestClient {
 public:
  explicit RestClient(ClientConfig config);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  const ClientConfig& config() const { return config_; }

  // One request; no status check. 429 is retried (honouring Retry-After, at
  // most max_throttle_retries times); a 401 with a file-backed token re-reads
  // the token once. Throws TransportError when no HTTP answer came.
  HttpResponse send(const HttpRequest& request);
  // send() plus status check and JSON parsing of the body.
  nlohmann::json call(const HttpRequest& request);

  nlohmann::json get(const ResourceRef& r, std::string_view ns, std::string_view name);
  // One page (or everything when options.limit == 0): the List object.
  nlohmann::json list(const ResourceRef& r, std::string_view ns, const ListOptions& options = {});
  // Follows `continue` through all pages: {"items": [...], "metadata": {"resourceVersion"}}.
  nlohmann::json list_all(const ResourceRef& r, std::string_view ns, ListOptions options = {});
  // Namespace comes from the object's metadata.namespace when `ns` is empty.
  nlohmann::json create(const ResourceRef& r, const nlohmann::json& object,
                        std::string_view ns = {}, std::string_view field_manager = {});
  // PUT; the object's metadata.resourceVersion guards against lost updates (409).
  nlohmann::json update(const ResourceRef& r, const nlohmann::json& object,
                        std::string_view field_manager = {});
  nlohmann::json update_status(const ResourceRef& r, const nlohmann::json& object,
                               std::string_view field_manager = {});
  // The deleted object, or the Status the server returns for it.
  nlohmann::json remove(const ResourceRef& r, std::string_view ns, std::string_view name,
                        const DeleteOptions& options = {});
  nlohmann::json patch(const ResourceRef& r, std::string_view ns, std::string_view name,
                       PatchType type, const nlohmann::json& patch,
                       const PatchOptions& options = {});
  // Server-side apply of `object` (its metadata names it) as `field_manager`.
  nlohmann::json apply(const ResourceRef& r, const nlohmann::json& object,
                       std::string_view field_manager, bool force = true);
  nlohmann::json apply_status(const ResourceRef& r, const nlohmann::json& object,
                              std::string_view field_manager, bool force = true);

  // Streams a watch until the server closes it, `sink` returns false, or
  // `stop` becomes true (checked at least once a second). A non-2xx answer
  // throws its ApiError (GoneError for a compacted resourceVersion).
  void watch(const ResourceRef& r, std::string_view ns, const WatchOptions& options,
             const ChunkSink& sink, const std::atomic<bool>* stop = nullptr);
  // The same for any GET path, the building block of watch().
  HttpResponse stream(const HttpRequest& request, const ChunkSink& sink,
                      const std::atomic<bool>* stop = nullptr);

  int max_throttle_retries = 3;
  std::chrono::seconds max_retry_after{30};

 private:
  struct Impl;
  HttpResponse perform(const HttpRequest& request, const ChunkSink* sink,
                       const std::atomic<bool>* stop);
  ClientConfig config_;
  std::unique_ptr<Impl> impl_;
};

// The client for the usual config discovery order (see default_config()).
std::shared_ptr<RestClient> make_client(const ClientConfig& config);

// Percent-encodes a query component.
std::string url_encode(std::string_view s);

}  // namespace kiln::kube
