#include "operator/kube/rest_client.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cctype>
#include <exception>
#include <mutex>
#include <thread>

#include "operator/kube/call_scope.hpp"
#include "operator/kube/token_source.hpp"

namespace kiln::kube {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct TransferContext {
  CURL* handle = nullptr;
  HttpResponse* response = nullptr;
  const ChunkSink* sink = nullptr;
  const std::atomic<bool>* stop = nullptr;
  bool stopped_by_caller = false;
  bool cancelled_by_scope = false;  // the thread's CallScope asked to stop
  // An exception from the sink must not unwind through libcurl's C frames:
  // it is parked here and rethrown once curl_easy_perform returns.
  std::exception_ptr sink_error;
};

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* ctx = static_cast<TransferContext*>(user);
  size_t len = size * n;
  long code = 0;
  curl_easy_getinfo(ctx->handle, CURLINFO_RESPONSE_CODE, &code);
  // Only a successful stream goes to the sink; an error body is kept whole to
  // be parsed as a Status.
  if (ctx->sink != nullptr && code >= 200 && code < 300) {
    if (ctx->stop != nullptr && ctx->stop->load()) {
      ctx->stopped_by_caller = true;
      return 0;
    }
    try {
      if (!(*ctx->sink)(std::string_view(data, len))) {
        ctx->stopped_by_caller = true;
        return 0;
      }
    } catch (...) {
      ctx->sink_error = std::current_exception();
      return 0;
    }
    return len;
  }
  ctx->response->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* ctx = static_cast<TransferContext*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.size() > kRetryAfter.size()) {
    bool match = true;
    for (size_t i = 0; i < kRetryAfter.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(line[i])) == kRetryAfter[i];
    }
    if (match) {
      std::string v(line.substr(kRetryAfter.size()));
      auto b = v.find_first_not_of(" \t");
      auto e = v.find_last_not_of(" \t\r\n");
      ctx->response->retry_after = b == std::string::npos ? "" : v.substr(b, e - b + 1);
    }
  }
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* ctx = static_cast<TransferContext*>(user);
  if (ctx->stop != nullptr && ctx->stop->load()) {
    ctx->stopped_by_caller = true;
    return 1;
  }
  if (CallScope::cancelled()) {
    ctx->cancelled_by_scope = true;
    return 1;
  }
  return 0;
}

const char* patch_content_type(PatchType t) {
  switch (t) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

std::string meta(const nlohmann::json& obj, const char* field) {
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return {};
  return m->value(field, "");
}

}  // namespace

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

struct RestClient::Impl {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex pool_mu;
  std::vector<CURL*> idle;
  std::unique_ptr<TokenSource> tokens;

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[data].unlock();
  }

  CURL* acquire() {
    {
      std::lock_guard g(pool_mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (h == nullptr) throw TransportError("curl_easy_init failed");
    return h;
  }
  // A returned handle keeps its live connections for the next request.
  void release(CURL* h) {
    std::lock_guard g(pool_mu);
    if (idle.size() < 32) {
      idle.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }
};

RestClient::RestClient(ClientConfig config) : config_(std::move(config)), impl_(new Impl) {
  global_init();
  impl_->tokens = std::make_unique<TokenSource>(config_.token, config_.token_file);
  impl_->share = curl_share_init();
  curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::lock);
  curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
  curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

RestClient::~RestClient() {
  for (CURL* h : impl_->idle) curl_easy_cleanup(h);
  curl_share_cleanup(impl_->share);
}

HttpResponse RestClient::perform(const HttpRequest& req, const ChunkSink* sink,
                                 const std::atomic<bool>* stop) {
  CURL* h = impl_->acquire();
  // reset() clears options but keeps the connection, DNS and session caches.
  curl_easy_reset(h);
  struct Releaser {
    Impl* impl;
    CURL* h;
    curl_slist* headers = nullptr;
    ~Releaser() {
      curl_slist_free_all(headers);
      impl->release(h);
    }
  } releaser{impl_.get(), h};

  std::string url = config_.server + req.path;
  char sep = '?';
  for (const auto& [k, v] : req.query) {
    url += sep + url_encode(k) + "=" + url_encode(v);
    sep = '&';
  }
  // The thread's CallScope: a stopped caller sends nothing; a deadline
  // shortens the timeout.
  if (CallScope::cancelled()) {
    throw CancelledError(req.method + " " + url + ": cancelled (stop requested)");
  }
  auto timeout = sink == nullptr ? config_.request_timeout : std::chrono::milliseconds::zero();
  if (auto deadline = CallScope::deadline()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) {
      throw TransportError(req.method + " " + url + ": deadline exceeded before sending");
    }
    timeout = timeout == std::chrono::milliseconds::zero() ? left : std::min(timeout, left);
  }
  HttpResponse resp;
  TransferContext ctx{h, &resp, sink, stop, false, false, nullptr};

  auto& headers = releaser.headers;
  headers = curl_slist_append(headers, "Accept: application/json");
  if (!req.content_type.empty()) {
    headers = curl_slist_append(headers, ("Content-Type: " + req.content_type).c_str());
  }
  if (std::string token = impl_->tokens->token(); !token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  }

  curl_easy_setopt(h, CURLOPT_SHARE, impl_->share);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, config_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  // A watch can be quiet for minutes; keepalive probes notice a peer that
  // vanished without closing (a killed apiserver, a dropped NAT entry).
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 10L);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(timeout == std::chrono::milliseconds::zero()
                                         ? 10'000
                                         : std::min<long long>(10'000, timeout.count())));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &ctx);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &ctx);
  // A watch is idle for long stretches and has no timeout unless a CallScope
  // sets a deadline; the caller's stop flag or scope ends it early.
  if (timeout != std::chrono::milliseconds::zero()) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  }
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &ctx);

  if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }

  // TLS material is passed as in-memory PEM blobs (copied by libcurl).
  if (!config_.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
  }
  if (!config_.client_cert_pem.empty()) {
    curl_blob cert{const_cast<char*>(config_.client_cert_pem.data()),
                   config_.client_cert_pem.size(), CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(config_.client_key_pem.data()), config_.client_key_pem.size(),
                  CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
  }
  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!config_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
  }

  CURLcode rc = curl_easy_perform(h);
  if (ctx.sink_error) std::rethrow_exception(ctx.sink_error);
  if (ctx.cancelled_by_scope) {
    throw CancelledError(req.method + " " + url + ": aborted (stop requested)");
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  long version = 0;
  curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
  resp.protocol = version == CURL_HTTP_VERSION_2_0 ? "HTTP/2" : "HTTP/1.1";
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &resp.new_connections);
  if (rc != CURLE_OK && !ctx.stopped_by_caller) {
    const bool cut_short = rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR ||
                           rc == CURLE_HTTP2_STREAM || rc == CURLE_HTTP2 || rc == CURLE_GOT_NOTHING;
    // A stream the server cut after a 2xx is an ordinary end of a watch.
    if (cut_short && sink != nullptr && resp.status >= 200 && resp.status < 300) return resp;
    // An error status whose body was cut (the API server rejects an
    // unauthenticated request before reading its body and resets the HTTP/2
    // stream) is still that error: the status code is what matters.
    if (cut_short && resp.status >= 300) return resp;
    throw TransportError(std::string(req.method) + " " + url + ": " + curl_easy_strerror(rc));
  }
  return resp;
}

HttpResponse RestClient::send(const HttpRequest& request) {
  return stream(request, nullptr, nullptr);
}

HttpResponse RestClient::stream(const HttpRequest& request, const ChunkSink& sink,
                                const std::atomic<bool>* stop) {
  const ChunkSink* s = sink ? &sink : nullptr;
  bool reread_token = impl_->tokens->file_backed();
  for (int throttled = 0;; ++throttled) {
    HttpResponse resp = perform(request, s, stop);
    if (resp.status == 401 && reread_token) {
      reread_token = false;  // once: the token may have rotated under us
      impl_->tokens->invalidate();
      continue;
    }
    if (resp.status == 429 && throttled < max_throttle_retries) {
      ApiStatus st = parse_api_status(429, resp.body, resp.retry_after);
      auto wait = std::min(st.retry_after.value_or(std::chrono::seconds(1)), max_retry_after);
      spdlog::info("{} {}: throttled (429), retry {} of {} in {} s", request.method, request.path,
                   throttled + 1, max_throttle_retries, wait.count());
      for (auto waited = std::chrono::milliseconds(0); waited < wait;
           waited += std::chrono::milliseconds(100)) {
        if (stop != nullptr && stop->load()) return resp;
        if (CallScope::cancelled()) {
          throw CancelledError(request.method + " " + request.path + ": cancelled while throttled");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      continue;
    }
    if (s != nullptr && (resp.status < 200 || resp.status >= 300) && resp.status != 0) {
      throw_api_error(parse_api_status(static_cast<int>(resp.status), resp.body, resp.retry_after));
    }
    return resp;
  }
}

nlohmann::json RestClient::call(const HttpRequest& request) {
  HttpResponse resp = send(request);
  if (resp.status < 200 || resp.status >= 300) {
    throw_api_error(parse_api_status(static_cast<int>(resp.status), resp.body, resp.retry_after));
  }
  if (resp.body.empty()) return nullptr;
  return nlohmann::json::parse(resp.body);
}

nlohmann::json RestClient::get(const ResourceRef& r, std::string_view ns, std::string_view name) {
  return call({"GET", r.path(ns, name), {}, {}, {}});
}

nlohmann::json RestClient::list(const ResourceRef& r, std::string_view ns, const ListOptions& o) {
  Query q;
  if (!o.label_selector.empty()) q.emplace_back("labelSelector", o.label_selector);
  if (!o.field_selector.empty()) q.emplace_back("fieldSelector", o.field_selector);
  if (o.limit > 0) q.emplace_back("limit", std::to_string(o.limit));
  if (!o.continue_token.empty()) q.emplace_back("continue", o.continue_token);
  if (!o.resource_version.empty()) q.emplace_back("resourceVersion", o.resource_version);
  return call({"GET", r.path(ns), std::move(q), {}, {}});
}

nlohmann::json RestClient::list_all(const ResourceRef& r, std::string_view ns, ListOptions o) {
  nlohmann::json items = nlohmann::json::array();
  std::string rv;
  do {
    nlohmann::json page = list(r, ns, o);
    for (auto& item : page["items"]) items.push_back(std::move(item));
    const auto& m = page["metadata"];
    rv = m.value("resourceVersion", "");
    o.continue_token = m.value("continue", "");
  } while (!o.continue_token.empty());
  return {{"items", std::move(items)}, {"metadata", {{"resourceVersion", rv}}}};
}

nlohmann::json RestClient::create(const ResourceRef& r, const nlohmann::json& object,
                                  std::string_view ns, std::string_view field_manager) {
  std::string n(ns.empty() ? meta(object, "namespace") : ns);
  if (n.empty() && r.namespaced) n = config_.default_namespace;
  Query q;
  if (!field_manager.empty()) q.emplace_back("fieldManager", field_manager);
  return call({"POST", r.path(n), std::move(q), object.dump(), "application/json"});
}

namespace {
HttpRequest put_request(const ResourceRef& r, const nlohmann::json& object,
                        std::string_view field_manager, std::string_view sub,
                        const std::string& default_ns) {
  std::string ns = meta(object, "namespace");
  if (ns.empty() && r.namespaced) ns = default_ns;
  Query q;
  if (!field_manager.empty()) q.emplace_back("fieldManager", field_manager);
  return {"PUT", r.path(ns, meta(object, "name"), sub), std::move(q), object.dump(),
          "application/json"};
}
}  // namespace

nlohmann::json RestClient::update(const ResourceRef& r, const nlohmann::json& object,
                                  std::string_view field_manager) {
  return call(put_request(r, object, field_manager, "", config_.default_namespace));
}

nlohmann::json RestClient::update_status(const ResourceRef& r, const nlohmann::json& object,
                                         std::string_view field_manager) {
  return call(put_request(r, object, field_manager, "status", config_.default_namespace));
}

nlohmann::json RestClient::remove(const ResourceRef& r, std::string_view ns, std::string_view name,
                                  const DeleteOptions& o) {
  nlohmann::json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  switch (o.propagation) {
    case PropagationPolicy::kDefault:
      break;
    case PropagationPolicy::kForeground:
      body["propagationPolicy"] = "Foreground";
      break;
    case PropagationPolicy::kBackground:
      body["propagationPolicy"] = "Background";
      break;
    case PropagationPolicy::kOrphan:
      body["propagationPolicy"] = "Orphan";
      break;
  }
  if (o.grace_period_seconds) body["gracePeriodSeconds"] = *o.grace_period_seconds;
  if (!o.precondition_uid.empty()) body["preconditions"]["uid"] = o.precondition_uid;
  if (!o.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = o.precondition_resource_version;
  }
  return call({"DELETE", r.path(ns, name), {}, body.dump(), "application/json"});
}

nlohmann::json RestClient::patch(const ResourceRef& r, std::string_view ns, std::string_view name,
                                 PatchType type, const nlohmann::json& patch,
                                 const PatchOptions& o) {
  Query q;
  if (!o.field_manager.empty()) q.emplace_back("fieldManager", o.field_manager);
  if (type == PatchType::kApply && o.force) q.emplace_back("force", "true");
  // JSON is YAML, so an apply body is sent as JSON under the apply-patch+yaml type.
  return call({"PATCH", r.path(ns, name, o.subresource), std::move(q), patch.dump(),
               patch_content_type(type)});
}

nlohmann::json RestClient::apply(const ResourceRef& r, const nlohmann::json& object,
                                 std::string_view field_manager, bool force) {
  std::string ns = meta(object, "namespace");
  if (ns.empty() && r.namespaced) ns = config_.default_namespace;
  return patch(r, ns, meta(object, "name"), PatchType::kApply, object,
               {std::string(field_manager), force, ""});
}

nlohmann::json RestClient::apply_status(const ResourceRef& r, const nlohmann::json& object,
                                        std::string_view field_manager, bool force) {
  std::string ns = meta(object, "namespace");
  if (ns.empty() && r.namespaced) ns = config_.default_namespace;
  return patch(r, ns, meta(object, "name"), PatchType::kApply, object,
               {std::string(field_manager), force, "status"});
}

void RestClient::watch(const ResourceRef& r, std::string_view ns, const WatchOptions& o,
                       const ChunkSink& sink, const std::atomic<bool>* stop) {
  Query q{{"watch", "true"}};
  if (o.allow_bookmarks) q.emplace_back("allowWatchBookmarks", "true");
  if (!o.resource_version.empty()) q.emplace_back("resourceVersion", o.resource_version);
  if (!o.label_selector.empty()) q.emplace_back("labelSelector", o.label_selector);
  if (!o.field_selector.empty()) q.emplace_back("fieldSelector", o.field_selector);
  if (o.timeout_seconds > 0) q.emplace_back("timeoutSeconds", std::to_string(o.timeout_seconds));
  stream({"GET", r.path(ns), std::move(q), {}, {}}, sink, stop);
}

std::shared_ptr<RestClient> make_client(const ClientConfig& config) {
  return std::make_shared<RestClient>(config);
}

}  // namespace kiln::kube
