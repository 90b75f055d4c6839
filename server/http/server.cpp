#include "server/http/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

#include "server/http/session.hpp"
#include "server/http/tls_context_store.hpp"

namespace kiln::serve::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

asio::ip::tcp protocol_of(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return addr.ss_family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4();
}

}  // namespace

void start_session(std::shared_ptr<Server> server, asio::ip::tcp::socket socket) {
  if (auto* tls = server->state().tls) {
    auto context = tls->current();
    std::make_shared<TlsSession>(std::move(server), std::move(socket), std::move(context))->start();
    return;
  }
  std::make_shared<PlainSession>(std::move(server), std::move(socket))->start();
}

Server::Server(asio::io_context& io, int listen_fd, WorkerState state)
    : io_(io), state_(std::move(state)), acceptor_(io), accept_retry_(io), drain_poll_(io) {
  // The supervisor keeps its own copy of the socket, so a worker that exits
  // loses no connection waiting in the backlog.
  int fd = ::dup(listen_fd);
  if (fd < 0) throw std::runtime_error("dup of the listening socket failed");
  acceptor_.assign(protocol_of(fd), fd);
}

void Server::start() {
  state_.metrics.accepting[state_.slot].store(1);
  do_accept();
}

// Connections are spread evenly over the workers: all of them accept on the
// same socket, and a worker holds back while it has more open connections
// than another accepting worker, so keep-alive clients do not pile onto one
// worker while another sits idle.
bool Server::may_accept() const {
  auto& m = state_.metrics;
  auto mine = m.connections[state_.slot].load(std::memory_order_relaxed);
  for (int w = 0; w < state_.config.worker_count && w < SharedMetrics::kMaxWorkers; ++w) {
    if (w == state_.slot || m.accepting[w].load(std::memory_order_relaxed) == 0) continue;
    if (m.connections[w].load(std::memory_order_relaxed) < mine) return false;
  }
  return true;
}

void Server::do_accept() {
  if (draining_ || stuck_ || !acceptor_.is_open()) return;
  if (!may_accept()) {
    // Looked at again shortly; a worker waiting here costs a timer, not a spin.
    accept_retry_.expires_after(std::chrono::milliseconds(2));
    accept_retry_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->do_accept();
    });
    return;
  }
  acceptor_.async_accept([self = shared_from_this()](error_code ec, asio::ip::tcp::socket socket) {
    if (!ec) {
      start_session(self, std::move(socket));
    } else if (ec == asio::error::operation_aborted) {
      return;
    } else if (ec != asio::error::would_block && ec != asio::error::try_again) {
      spdlog::warn("accept failed: {}", ec.message());
    }
    self->do_accept();
  });
}

void Server::stop_accepting() {
  state_.metrics.accepting[state_.slot].store(0);
  accept_retry_.cancel();
  error_code ignored;
  acceptor_.close(ignored);
}

void Server::score_started() {
  ++in_flight_;
  state_.metrics.in_flight[state_.slot].fetch_add(1, std::memory_order_relaxed);
}

void Server::score_finished() {
  --in_flight_;
  state_.metrics.in_flight[state_.slot].fetch_sub(1, std::memory_order_relaxed);
}

void Server::wait_until_idle(std::chrono::steady_clock::time_point deadline,
                             std::function<void()> then) {
  if ((active_requests_ <= 0 && in_flight_ <= 0) || std::chrono::steady_clock::now() >= deadline) {
    return then();
  }
  drain_poll_.expires_after(std::chrono::milliseconds(10));
  drain_poll_.async_wait([self = shared_from_this(), deadline, then = std::move(then)](error_code) {
    self->wait_until_idle(deadline, std::move(then));
  });
}

void Server::begin_drain(std::function<void()> drained) {
  if (draining_) return;
  draining_ = true;
  spdlog::info("draining: {} request(s) in flight", active_requests_);
  stop_accepting();
  std::vector<SessionBase*> idle(sessions_.begin(), sessions_.end());
  for (SessionBase* s : idle) s->close_if_idle();
  wait_until_idle(std::chrono::steady_clock::now() + state_.config.drain_timeout,
                  [drained = std::move(drained), this] {
                    if (active_requests_ > 0) {
                      spdlog::warn("drain timeout: {} request(s) still open", active_requests_);
                    }
                    drained();
                  });
}

void Server::on_scoring_timeout() {
  if (stuck_) return;
  stuck_ = true;
  draining_ = true;
  stop_accepting();
  // The scoring thread is stuck in Python and cannot be interrupted safely;
  // whatever waits behind it is refused now, and this process exits once the
  // answers are written. The supervisor starts a fresh worker, which accepts
  // from the same listening socket.
  for (auto& job : state_.executor.take_queued()) {
    int expected = ScoreJob::kQueued;
    if (!job->state.compare_exchange_strong(expected, ScoreJob::kCancelled)) continue;
    python::ScoreResponse r;
    r.status = 503;
    r.headers.emplace_back("Retry-After", "1");
    r.body = R"({"message": "The worker is being replaced after a scoring timeout; retry"})";
    job->done(std::move(r));
  }
  std::vector<SessionBase*> idle(sessions_.begin(), sessions_.end());
  for (SessionBase* s : idle) s->close_if_idle();
  // in_flight_ still counts nothing stuck (its session answered), so this
  // waits for the writes of the answers above.
  wait_until_idle(std::chrono::steady_clock::now() + std::chrono::seconds(2), [] {
    spdlog::default_logger()->flush();
    std::fflush(nullptr);
    ::_exit(kExitStuck);
  });
}

}  // namespace kiln::serve::http
