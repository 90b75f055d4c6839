#include "scheduler/extender_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "operator/runtime/prometheus_text.hpp"

namespace kiln::scheduler {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(90);
constexpr auto kWriteTimeout = std::chrono::seconds(10);

bool ends_with_verb(std::string_view target, std::string_view verb) {
  auto q = target.find('?');
  if (q != std::string_view::npos) target = target.substr(0, q);
  while (target.size() > 1 && target.back() == '/') target.remove_suffix(1);
  return target.size() > verb.size() && target.ends_with(verb) &&
         target[target.size() - verb.size() - 1] == '/';
}

}  // namespace

struct ExtenderServer::Impl : std::enable_shared_from_this<ExtenderServer::Impl> {
  class Session;

  Impl(ExtenderServerOptions o, const Extender& e, runtime::MetricsRegistry& m, ReadyCheck r)
      : options(std::move(o)), extender(e), metrics(m), ready(std::move(r)) {}

  http::response<http::string_body> handle(const http::request<http::string_body>& req) const;
  void accept();

  ExtenderServerOptions options;
  const Extender& extender;
  runtime::MetricsRegistry& metrics;
  ReadyCheck ready;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  unsigned short bound_port = 0;
  std::atomic<bool> stopping{false};
  std::mutex sessions_mu;
  std::vector<std::weak_ptr<Session>> sessions;
};

class ExtenderServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Impl> server, tcp::socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {}

  // From any thread: ends the connection on its own strand.
  void shut_down() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

  void read() {
    if (server_->stopping) return close();
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      spdlog::warn("extender: request body over {} bytes refused", server_->options.body_limit);
      response_ = {http::status::payload_too_large, 11};
      response_.set(http::field::content_type, "application/json");
      response_.body() = R"({"Error":"kiln-scheduler-extender: request body too large"})";
      response_.keep_alive(false);
      return write();
    }
    if (ec) return close();
    const auto& req = parser_->get();
    response_ = server_->handle(req);
    response_.keep_alive(req.keep_alive() && !server_->stopping);
    write();
  }

  void write() {
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
  }

  std::shared_ptr<Impl> server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

http::response<http::string_body> ExtenderServer::Impl::handle(
    const http::request<http::string_body>& req) const {
  http::response<http::string_body> res{http::status::ok, req.version()};
  auto text = [&](http::status status, std::string body, std::string type = "text/plain") {
    res.result(status);
    res.set(http::field::content_type, type);
    res.body() = std::move(body);
    return res;
  };
  const std::string_view target(req.target().data(), req.target().size());
  const bool is_filter = ends_with_verb(target, "filter");
  const bool is_prioritize = ends_with_verb(target, "prioritize");
  if (is_filter || is_prioritize) {
    if (req.method() != http::verb::post) {
      return text(http::status::method_not_allowed, R"({"Error":"use POST"})", "application/json");
    }
    ExtenderReply reply = is_filter ? extender.filter(req.body()) : extender.prioritize(req.body());
    return text(static_cast<http::status>(reply.status), std::move(reply.body), "application/json");
  }
  const std::string_view path = target.substr(0, target.find('?'));
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    return text(http::status::method_not_allowed, "use GET\n");
  }
  if (path == "/metrics") {
    return text(http::status::ok, runtime::render_prometheus_text(metrics),
                std::string(runtime::kPrometheusTextContentType));
  }
  if (path == "/healthz" || path == "/livez") return text(http::status::ok, "ok");
  if (path == "/readyz") {
    std::optional<std::string> why;
    try {
      why = ready ? ready() : std::nullopt;
    } catch (const std::exception& e) {
      why = e.what();
    }
    return why ? text(http::status::service_unavailable, "not ready: " + *why + "\n")
               : text(http::status::ok, "ok");
  }
  return text(http::status::not_found, "not found; the verbs are POST /filter and /prioritize\n");
}

void ExtenderServer::Impl::accept() {
  acceptor.async_accept(
      asio::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopping || !self->acceptor.is_open()) return;
        if (!ec) {
          auto session = std::make_shared<Session>(self, std::move(socket));
          {
            std::lock_guard lock(self->sessions_mu);
            std::erase_if(self->sessions, [](const auto& w) { return w.expired(); });
            self->sessions.push_back(session);
          }
          session->read();
        }
        self->accept();
      });
}

ExtenderServer::ExtenderServer(ExtenderServerOptions options, const Extender& extender,
                               runtime::MetricsRegistry& metrics, ReadyCheck ready)
    : impl_(std::make_shared<Impl>(std::move(options), extender, metrics, std::move(ready))) {}

ExtenderServer::~ExtenderServer() {
  stop();
}

void ExtenderServer::start() {
  tcp::endpoint endpoint(asio::ip::make_address(impl_->options.address), impl_->options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([impl = impl_] { impl->io.run(); });
  }
}

unsigned short ExtenderServer::port() const {
  return impl_->bound_port;
}

void ExtenderServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->io, [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  {
    std::lock_guard lock(impl_->sessions_mu);
    for (auto& w : impl_->sessions) {
      if (auto session = w.lock()) session->shut_down();
    }
  }
  // The I/O threads return once the closed connections' handlers have run.
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace kiln::scheduler
