#include "operator/runtime/probe_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <set>

#include "operator/runtime/prometheus_text.hpp"

namespace kiln::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(10);

struct NamedCheck {
  std::string name;
  ProbeCheck check;
};

}  // namespace

struct ProbeServer::Impl : std::enable_shared_from_this<ProbeServer::Impl> {
  class Session;

  Impl(ProbeServerOptions o, MetricsRegistry* m) : options(std::move(o)), metrics(m) {}

  http::response<http::string_body> handle(const http::request<http::string_body>& req);
  http::response<http::string_body> run_checks(const std::string& endpoint,
                                               const std::vector<NamedCheck>& checks,
                                               std::string_view only, bool verbose,
                                               unsigned version);
  void accept();

  ProbeServerOptions options;
  MetricsRegistry* metrics;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  unsigned short bound_port = 0;
  bool stopping = false;                        // I/O thread only
  std::set<std::shared_ptr<Session>> sessions;  // I/O thread only

  std::mutex checks_mutex;
  std::vector<NamedCheck> health_checks;
  std::vector<NamedCheck> readiness_checks;
};

class ProbeServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Impl> server, tcp::socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {}

  void read() {
    request_ = {};
    reading_ = true;
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, request_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  // Called by stop(): an idle connection is closed now, a busy one after its
  // response is written.
  void shut_down() {
    if (reading_) stream_.socket().close();
  }

 private:
  void on_read(beast::error_code ec) {
    reading_ = false;
    if (ec) return close();
    response_ = server_->handle(request_);
    response_.keep_alive(request_.keep_alive() && !server_->stopping);
    response_.prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_.keep_alive() || self->server_->stopping) {
                          return self->close();
                        }
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    server_->sessions.erase(shared_from_this());
  }

  std::shared_ptr<Impl> server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  bool reading_ = false;
};

void ProbeServer::Impl::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopping || !self->acceptor.is_open()) return;
    if (!ec) {
      auto session = std::make_shared<Session>(self, std::move(socket));
      self->sessions.insert(session);
      session->read();
    }
    self->accept();
  });
}

http::response<http::string_body> ProbeServer::Impl::run_checks(
    const std::string& endpoint, const std::vector<NamedCheck>& checks, std::string_view only,
    bool verbose, unsigned version) {
  std::string details;
  bool all_ok = true;
  bool found = only.empty();
  for (const auto& c : checks) {
    if (!only.empty() && c.name != only) continue;
    found = true;
    std::optional<std::string> failure;
    try {
      failure = c.check();
    } catch (const std::exception& e) {
      failure = std::string("check threw: ") + e.what();
    }
    if (failure) {
      all_ok = false;
      details += "[-]" + c.name + " failed: " + *failure + "\n";
      spdlog::info("{} check {} failed: {}", endpoint, c.name, *failure);
    } else {
      details += "[+]" + c.name + " ok\n";
    }
  }
  http::response<http::string_body> res;
  res.version(version);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::cache_control, "no-cache");
  if (!found) {
    res.result(http::status::not_found);
    res.body() = "no such check: " + std::string(only) + "\n";
  } else if (!all_ok) {
    res.result(http::status::internal_server_error);
    res.body() = details + endpoint + " check failed\n";
  } else {
    res.result(http::status::ok);
    res.body() = verbose ? details + endpoint + " check passed\n" : "ok";
  }
  return res;
}

http::response<http::string_body> ProbeServer::Impl::handle(
    const http::request<http::string_body>& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const auto query_at = target.find('?');
  const std::string_view path = target.substr(0, query_at);
  const std::string_view query =
      query_at == std::string_view::npos ? std::string_view() : target.substr(query_at + 1);
  const bool verbose = query == "verbose" || query.starts_with("verbose=") ||
                       query.find("&verbose") != std::string_view::npos;

  auto simple = [&](http::status status, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(body);
    return res;
  };

  auto probe = [&](std::string_view endpoint) -> std::optional<std::string_view> {
    const std::string prefix = "/" + std::string(endpoint);
    if (path == prefix) return std::string_view();
    if (path.starts_with(prefix + "/") && path.size() > prefix.size() + 1) {
      return path.substr(prefix.size() + 1);
    }
    return std::nullopt;
  };

  const bool is_metrics = options.serve_metrics && path == "/metrics";
  const auto healthz = options.serve_probes ? probe("healthz") : std::nullopt;
  const auto readyz = options.serve_probes ? probe("readyz") : std::nullopt;
  if (!is_metrics && !healthz && !readyz) return simple(http::status::not_found, "not found\n");
  if (req.method() != http::verb::get) {
    auto res = simple(http::status::method_not_allowed, "method not allowed\n");
    res.set(http::field::allow, "GET");
    return res;
  }

  if (is_metrics) {
    auto res = simple(http::status::ok,
                      metrics != nullptr ? render_prometheus_text(*metrics) : std::string());
    res.set(http::field::content_type, std::string(kPrometheusTextContentType));
    return res;
  }
  std::vector<NamedCheck> checks;
  {
    std::lock_guard guard(checks_mutex);
    checks = healthz ? health_checks : readiness_checks;
  }
  return healthz ? run_checks("healthz", checks, *healthz, verbose, req.version())
                 : run_checks("readyz", checks, *readyz, verbose, req.version());
}

ProbeServer::ProbeServer(ProbeServerOptions options, MetricsRegistry* metrics)
    : impl_(std::make_shared<Impl>(std::move(options), metrics)) {}

ProbeServer::~ProbeServer() {
  stop();
}

void ProbeServer::add_health_check(std::string name, ProbeCheck check) {
  std::lock_guard guard(impl_->checks_mutex);
  impl_->health_checks.push_back({std::move(name), std::move(check)});
}

void ProbeServer::add_readiness_check(std::string name, ProbeCheck check) {
  std::lock_guard guard(impl_->checks_mutex);
  impl_->readiness_checks.push_back({std::move(name), std::move(check)});
}

void ProbeServer::start() {
  if (impl_->thread.joinable()) return;
  const tcp::endpoint endpoint(asio::ip::make_address(impl_->options.address), impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->bound_port = acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
  spdlog::info("probe server listening on {}:{}", impl_->options.address, impl_->bound_port);
}

unsigned short ProbeServer::port() const {
  return impl_->bound_port;
}

void ProbeServer::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [impl = impl_] {
    impl->stopping = true;
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    // Copy: closing an idle session removes it from the set.
    const auto sessions = impl->sessions;
    for (const auto& s : sessions) s->shut_down();
  });
  // run() returns once no connection has work left.
  impl_->thread.join();
}

}  // namespace kiln::runtime
