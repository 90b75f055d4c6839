#include "server/http/session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "server/http/python_json.hpp"
#include "server/request_id.hpp"

namespace kiln::serve::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using beast::error_code;

namespace {

constexpr std::uint32_t kHeaderLimit = 32 * 1024;
constexpr const char* kServerVersion = "kiln-serve/" KILN_VERSION;
// Flask's words for what no route answers, as the reference server sends them.
constexpr const char* kNotFound =
    "The requested URL was not found on the server. If you entered the URL manually please check "
    "your spelling and try again.";
constexpr const char* kMethodNotAllowed = "The method is not allowed for the requested URL.";
constexpr const char* kHtml = "text/html; charset=utf-8";

// {"message": ...} as the reference server writes it (json.dumps).
std::string json_message(const std::string& message) {
  return python_json_object({{"message", message}});
}

std::string to_string(beast::string_view s) {
  return std::string(s.data(), s.size());
}

template <class Stream>
Stream make_stream(asio::ip::tcp::socket socket, asio::ssl::context* tls) {
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    return Stream(std::move(socket));
  } else {
    return Stream(std::move(socket), *tls);
  }
}

}  // namespace

template <class Stream>
Session<Stream>::Session(std::shared_ptr<Server> server, asio::ip::tcp::socket socket,
                         std::shared_ptr<asio::ssl::context> tls)
    : server_(std::move(server)),
      state_(server_->state()),
      tls_(std::move(tls)),
      stream_(make_stream<Stream>(std::move(socket), tls_.get())),
      timer_(server_->io()) {
  server_->add(this);
  state_.metrics.connections[state_.slot].fetch_add(1, std::memory_order_relaxed);
  error_code ignored;
  this->socket().set_option(asio::ip::tcp::no_delay(true), ignored);
}

template <class Stream>
void Session<Stream>::start() {
  if constexpr (kTls) {
    tcp().expires_after(state_.config.header_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](error_code ec) {
                              if (ec) return self->close();  // not TLS, or too slow
                              self->wait_for_request();
                            });
  } else {
    wait_for_request();
  }
}

template <class Stream>
Session<Stream>::~Session() {
  server_->remove(this);
  state_.metrics.connections[state_.slot].fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
void Session<Stream>::close() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  error_code ignored;
  socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

template <class Stream>
void Session<Stream>::close_if_idle() {
  if (idle_) close();
}

// After an error answer the client may still be sending a body we will not
// read; closing at once could reset the connection before it reads our
// answer. Half-close, swallow what still arrives for a moment, then close.
template <class Stream>
void Session<Stream>::graceful_close() {
  error_code ignored;
  socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  tcp().expires_after(std::chrono::seconds(2));
  stream_.async_read_some(asio::buffer(discard_),
                          [self = this->shared_from_this()](error_code ec, std::size_t n) {
                            self->discarded_ += n;
                            if (ec || self->discarded_ > (64u << 20)) return self->close();
                            self->graceful_close();
                          });
}

template <class Stream>
void Session<Stream>::wait_for_request() {
  if (closed_) return;
  if (server_->draining()) return close();
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(state_.config.max_body_bytes);
  if (buffer_.size() > 0) return read_header();  // the next request is already here
  idle_ = true;
  timer_.expires_after(state_.config.idle_timeout);
  timer_.async_wait([self = this->shared_from_this()](error_code ec) {
    if (!ec && self->idle_) self->close();
  });
  if constexpr (kTls) {
    // Bytes of the next request may already sit decrypted-to-be in the TLS
    // layer, where a wait on the socket would not see them: read instead.
    tcp().expires_never();
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              self->idle_ = false;
                              self->timer_.cancel();
                              if (ec || self->closed_) return self->close();
                              self->read_header();
                            });
  } else {
    socket().async_wait(asio::ip::tcp::socket::wait_read,
                        [self = this->shared_from_this()](error_code ec) {
                          self->idle_ = false;
                          self->timer_.cancel();
                          if (ec || self->closed_) return self->close();
                          self->read_header();
                        });
  }
}

template <class Stream>
void Session<Stream>::read_header() {
  in_request_ = true;
  server_->request_started();
  tcp().expires_after(state_.config.header_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void Session<Stream>::on_header(error_code ec) {
  route_ = Route::kOther;
  request_start_ = std::chrono::steady_clock::now();
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
    server_->request_finished();
    in_request_ = false;
    return close();
  }
  if (ec == bhttp::error::header_limit) {
    return reply_error_and_close(431, "Request header fields too large");
  }
  if (ec == bhttp::error::body_limit) {  // a Content-Length past the limit
    return reply_error_and_close(413, fmt::format("Request body exceeds the limit of {} bytes",
                                                  state_.config.max_body_bytes));
  }
  if (ec) return reply_error_and_close(400, "Malformed HTTP request: " + ec.message());
  auto length = parser_->content_length();
  if (length && *length > state_.config.max_body_bytes) {
    return reply_error_and_close(
        413, fmt::format("Request body of {} bytes exceeds the limit of {} bytes", *length,
                         state_.config.max_body_bytes));
  }
  if (parser_->is_done()) return handle();
  auto expect = parser_->get()[bhttp::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    // curl and others wait for this before sending a larger body.
    auto go_on = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
    tcp().expires_after(state_.config.body_timeout);
    bhttp::async_write(stream_, *go_on,
                       [self = this->shared_from_this(), go_on](error_code ec, std::size_t) {
                         if (ec) {
                           self->server_->request_finished();
                           self->in_request_ = false;
                           return self->close();
                         }
                         self->read_body();
                       });
    return;
  }
  read_body();
}

template <class Stream>
void Session<Stream>::read_body() {
  tcp().expires_after(state_.config.body_timeout);
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_body(ec); });
}

template <class Stream>
void Session<Stream>::on_body(error_code ec) {
  if (ec == bhttp::error::body_limit) {
    return reply_error_and_close(413, fmt::format("Request body exceeds the limit of {} bytes",
                                                  state_.config.max_body_bytes));
  }
  if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
    server_->request_finished();
    in_request_ = false;
    return close();
  }
  if (ec) return reply_error_and_close(400, "Malformed HTTP request: " + ec.message());
  handle();
}

template <class Stream>
void Session<Stream>::handle() {
  tcp().expires_never();
  Request& req = parser_->get();
  auto target = split_target(req.target());
  route_ = classify_path(target.path);
  keep_alive_ = req.keep_alive() && !server_->draining();
  head_ = req.method() == bhttp::verb::head;
  response_object_ = false;
  if (!read_request_ids(req)) return;

  bool get = req.method() == bhttp::verb::get || head_;
  if (req.method() == bhttp::verb::options && route_ != Route::kScore && route_ != Route::kOther) {
    // Flask's automatic answer to OPTIONS on a GET route.
    Response res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::content_type, kHtml);
    res.set(bhttp::field::allow, "GET, HEAD, OPTIONS");
    flask_answer_ = true;
    return send(std::move(res));
  }
  switch (route_) {
    case Route::kHealth: {
      if (!get) return reply_method_not_allowed("GET, HEAD, OPTIONS");
      Response res{bhttp::status::ok, req.version()};
      res.set(bhttp::field::content_type, kHtml);
      res.body() = "Healthy";
      flask_answer_ = true;
      return send(std::move(res));
    }
    case Route::kMetrics: {
      if (!get) return reply_method_not_allowed("GET, HEAD, OPTIONS");
      Response res{bhttp::status::ok, req.version()};
      res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = render_prometheus(state_.metrics, state_.config.worker_count);
      return send(std::move(res));
    }
    case Route::kSwagger:
      if (!get) return reply_method_not_allowed("GET, HEAD, OPTIONS");
      return handle_swagger(req, target.query);
    case Route::kScore:
      return handle_score(req);
    case Route::kOther:
      break;
  }
  reply_not_found();
}

// The reference server's rules: x-request-id as sent (a new UUID when
// absent), at most 100 characters; x-ms-request-id is the client's
// x-ms-request-id, else its x-ms-client-request-id, else the request id;
// x-ms-client-request-id falls back to x-ms-request-id. False when the
// request was answered 431.
template <class Stream>
bool Session<Stream>::read_request_ids(const Request& req) {
  auto value = [&](std::string_view name) {
    auto it = req.find(name);
    return it == req.end() ? std::optional<std::string>{} : to_string(it->value());
  };
  trace_id_ = value("TraceId");
  legacy_id_.clear();
  client_id_.clear();
  auto id = value("x-request-id");
  request_id_ = id ? *id : generate_request_id();
  if (request_id_.size() > kMaxRequestIdLength) {
    request_id_.clear();
    reply_json(431, fmt::format("x-request-id must not exceed {} characters", kMaxRequestIdLength));
    return false;
  }
  std::string legacy = value("x-ms-request-id").value_or("");
  std::string client = value("x-ms-client-request-id").value_or("");
  if (!legacy.empty()) {
    if (client.empty()) client = legacy;
  } else {
    legacy = client.empty() ? request_id_ : client;
  }
  if (legacy.size() > kMaxRequestIdLength || client.size() > kMaxRequestIdLength) {
    reply_json(431, fmt::format("x-ms-request-id and x-ms-client-request-id must not exceed {} "
                                "characters",
                                kMaxRequestIdLength));
    return false;
  }
  legacy_id_ = std::move(legacy);
  client_id_ = std::move(client);
  return true;
}

template <class Stream>
void Session<Stream>::handle_swagger(Request& req, std::string_view query) {
  std::string asked = query_param(query, "version").value_or("2");
  std::vector<std::string> supported;
  if (state_.swagger2) supported.emplace_back("2");
  if (state_.swagger3) supported.emplace_back("3");
  if (state_.swagger31) supported.emplace_back("3.1");
  auto version = parse_swagger_version(query);
  if (!version) {
    return reply_json(
        404, fmt::format("Swagger version [{}] is not valid. Supported versions: [{}].", asked,
                         fmt::join(supported, ", ")));
  }
  const auto& doc = *version == 31  ? state_.swagger31
                    : *version == 3 ? state_.swagger3
                                    : state_.swagger2;
  if (!doc) {
    return reply_json(404, fmt::format("Swagger version [{}] is not supported for the scoring "
                                       "script. Supported swagger versions: [{}].",
                                       asked, fmt::join(supported, ", ")));
  }
  Response res{bhttp::status::ok, req.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = *doc;
  send(std::move(res));
}

template <class Stream>
void Session<Stream>::handle_score(Request& req) {
  if (state_.keys.enabled()) {
    auto auth = req.find(bhttp::field::authorization);
    std::string_view presented = auth == req.end() ? std::string_view{} : auth->value();
    if (!state_.keys.authorize(presented)) {
      Response res{bhttp::status::unauthorized, req.version()};
      res.set(bhttp::field::content_type, "application/json");
      res.set(bhttp::field::www_authenticate, "Bearer");
      res.body() = json_message(auth == req.end() ? "Authorization header is missing"
                                                  : "Authorization key is not valid");
      return send(std::move(res));
    }
  }
  auto method = req.method();
  bool raw = state_.mode == InputMode::kRaw;
  // As the reference server: HEAD reaches only a @rawhttp run(); for the
  // others it is the score route's own 405.
  if (head_ && !raw) return reply_json(405, "Method not allowed");
  if (method != bhttp::verb::get && method != bhttp::verb::post && method != bhttp::verb::options &&
      !head_) {
    return reply_method_not_allowed("GET, POST, OPTIONS");
  }
  if (method == bhttp::verb::options && !raw) {
    // As the reference server: OPTIONS is answered without calling run().
    Response res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::content_type, kHtml);
    return send(std::move(res));
  }
  auto content_type = req.find(bhttp::field::content_type);
  std::string_view ctype = content_type == req.end() ? std::string_view{} : content_type->value();
  if (method == bhttp::verb::post) {
    if (auto error = check_score_body(state_.mode, ctype, req.body(), state_.config.strict_json)) {
      return reply_json(error->status, error->message);
    }
  }
  if (server_->in_flight() >= state_.config.max_concurrent_requests) {
    state_.metrics.rejected_busy.fetch_add(1, std::memory_order_relaxed);
    Response res{bhttp::status::service_unavailable, req.version()};
    res.set(bhttp::field::content_type, "application/json");
    res.set(bhttp::field::retry_after, "1");
    res.body() = json_message(fmt::format("Too many concurrent requests (limit {} per worker)",
                                          state_.config.max_concurrent_requests));
    return send(std::move(res));
  }

  auto job = std::make_shared<ScoreJob>();
  auto target = split_target(req.target());
  job->request.method = to_string(req.method_string());
  job->request.path = std::string(target.path);
  job->request.query = std::string(target.query);
  job->request.request_id = request_id_;
  // Headers only matter to @rawhttp and request_headers scripts, and GET
  // (the query) and decorated scripts go through the Python side anyway.
  if (state_.mode != InputMode::kJsonString || state_.wants_headers ||
      method != bhttp::verb::post) {
    for (const auto& field : req) {
      job->request.headers.emplace_back(to_string(field.name_string()), to_string(field.value()));
    }
  }
  job->request.body = std::move(req.body());
  auto& io = server_->io();
  // Called once, on the scoring thread. The session reference moves into the
  // posted handler, so the last reference to a session is never dropped on
  // the scoring thread (its destructor belongs to the I/O thread).
  job->done = [self = this->shared_from_this(), &io](python::ScoreResponse r) mutable {
    asio::post(io, [self = std::move(self), r = std::move(r)]() mutable {
      self->finish_score(std::move(r));
    });
  };
  job_ = job;
  server_->score_started();
  state_.executor.submit(std::move(job));
  timer_.expires_after(state_.config.scoring_timeout);
  timer_.async_wait([self = this->shared_from_this()](error_code ec) { self->on_watchdog(ec); });
}

template <class Stream>
void Session<Stream>::on_watchdog(error_code ec) {
  if (ec || !job_) return;
  auto timeout = state_.config.scoring_timeout;
  int s = job_->state.load();
  if (s == ScoreJob::kQueued) {
    // Behind another call; that one times out first if it is the stuck one.
    timer_.expires_after(timeout);
    return timer_.async_wait(
        [self = this->shared_from_this()](error_code ec) { self->on_watchdog(ec); });
  }
  if (s != ScoreJob::kRunning) return;  // done: finish_score is on its way
  auto elapsed = std::chrono::nanoseconds(ScoringExecutor::now_ns() - job_->started_ns.load());
  if (elapsed < timeout) {
    timer_.expires_after(timeout - elapsed);
    return timer_.async_wait(
        [self = this->shared_from_this()](error_code ec) { self->on_watchdog(ec); });
  }
  int expected = ScoreJob::kRunning;
  if (!job_->state.compare_exchange_strong(expected, ScoreJob::kTimedOut)) return;
  state_.metrics.scoring_timeouts.fetch_add(1, std::memory_order_relaxed);
  spdlog::error("run() did not return within {} ms (request {}); replacing this worker",
                timeout.count(), request_id_);
  job_.reset();
  server_->score_finished();
  keep_alive_ = false;
  Response res{bhttp::status::internal_server_error, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.set("x-ms-run-function-failed", "True");
  res.body() =
      python_json_object({{"message", fmt::format("Scoring timeout after {} ms", timeout.count())},
                          {"request_id", request_id_}});
  send(std::move(res));
  server_->on_scoring_timeout();
}

template <class Stream>
void Session<Stream>::finish_score(python::ScoreResponse r) {
  timer_.cancel();
  job_.reset();
  server_->score_finished();
  if (server_->draining()) keep_alive_ = false;
  Response res{static_cast<bhttp::status>(r.status), parser_ ? parser_->get().version() : 11u};
  response_object_ = r.from_response_object;
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res.insert(name, value);
  if (r.run_ms) res.set("x-ms-run-fn-exec-ms", fmt::format("{:.3f}", *r.run_ms));
  res.body() = std::move(r.body);
  send(std::move(res));
}

template <class Stream>
void Session<Stream>::reply_json(int status, const std::string& message) {
  Response res{static_cast<bhttp::status>(status), parser_ ? parser_->get().version() : 11u};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = json_message(message);
  send(std::move(res));
}

template <class Stream>
void Session<Stream>::reply_not_found() {
  reply_json(404, kNotFound);
}

template <class Stream>
void Session<Stream>::reply_method_not_allowed(const char* allow) {
  Response res{bhttp::status::method_not_allowed, parser_ ? parser_->get().version() : 11u};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::allow, allow);
  res.body() = json_message(kMethodNotAllowed);
  send(std::move(res));
}

template <class Stream>
void Session<Stream>::reply_error_and_close(int status, const std::string& message) {
  keep_alive_ = false;
  if (request_id_.empty()) request_id_ = generate_request_id();
  Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = json_message(message);
  send(std::move(res));
}

template <class Stream>
void Session<Stream>::send(Response res) {
  if (!request_id_.empty()) res.set("x-request-id", request_id_);
  if (!legacy_id_.empty()) res.set("x-ms-request-id", legacy_id_);
  if (!client_id_.empty()) res.set("x-ms-client-request-id", client_id_);
  if (trace_id_) res.insert("TraceId", *trace_id_);
  res.set("x-ms-server-version", kServerVersion);
  // The reference server's responses say whether run() failed; Flask's own
  // answers and a response run() built itself are left as they are.
  if (!flask_answer_ && !response_object_ && res.find("x-ms-run-function-failed") == res.end()) {
    res.set("x-ms-run-function-failed", "False");
  }
  res.keep_alive(keep_alive_);
  res.prepare_payload();
  if (head_) {  // the headers of the GET answer, its length included, without the body
    auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  auto elapsed = std::chrono::steady_clock::now() - request_start_;
  state_.metrics.record(route_, static_cast<int>(res.result_int()),
                        static_cast<std::uint64_t>(
                            std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
  response_ = std::move(res);
  request_id_.clear();
  legacy_id_.clear();
  client_id_.clear();
  trace_id_.reset();
  head_ = false;
  response_object_ = false;
  flask_answer_ = false;
  tcp().expires_after(state_.config.body_timeout);
  bhttp::async_write(stream_, response_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) {
                       self->response_ = {};
                       if (self->in_request_) {
                         self->in_request_ = false;
                         self->server_->request_finished();
                       }
                       if (ec) return self->close();
                       if (!self->keep_alive_) return self->graceful_close();
                       self->wait_for_request();
                     });
}

template class Session<beast::tcp_stream>;
template class Session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace kiln::serve::http
