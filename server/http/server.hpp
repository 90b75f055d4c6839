#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "server/config.hpp"
#include "server/http/score_request.hpp"
#include "server/key_store.hpp"
#include "server/metrics.hpp"
#include "server/scoring_executor.hpp"

namespace kiln::serve::http {

class TlsContextStore;

// What the server needs of a connection, whether plain or TLS.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;
};

// What every connection of one worker shares. Lives on the worker's single
// I/O thread; nothing here is touched by the scoring thread.
struct WorkerState {
  const ServeConfig& config;
  SharedMetrics& metrics;
  int slot;  // this worker's index in the shared metrics
  KeyStore& keys;
  ScoringExecutor& executor;
  InputMode mode;
  bool wants_headers;  // run() has a request_headers parameter
  std::optional<std::string> swagger2, swagger3, swagger31;  // 31: OpenAPI 3.1
  TlsContextStore* tls = nullptr;                            // set when serving HTTPS
};

// A worker's HTTP side: accepts on the listening socket the supervisor
// inherited to it, runs the sessions, drains on SIGTERM, and gives up the
// worker when run() is stuck past SCORING_TIMEOUT_MS.
class Server : public std::enable_shared_from_this<Server> {
 public:
  // Exit status of a worker replaced because run() got stuck.
  static constexpr int kExitStuck = 4;

  Server(boost::asio::io_context& io, int listen_fd, WorkerState state);

  void start();
  // Stop accepting, let in-flight requests finish, then call `drained`.
  void begin_drain(std::function<void()> drained);
  // run() overran the scoring timeout: answer what is queued 503, stop
  // accepting and exit, so the supervisor starts a fresh worker.
  void on_scoring_timeout();

  WorkerState& state() { return state_; }
  boost::asio::io_context& io() { return io_; }
  bool draining() const { return draining_; }

  // Session bookkeeping (I/O thread only).
  void add(SessionBase* s) { sessions_.insert(s); }
  void remove(SessionBase* s) { sessions_.erase(s); }
  void request_started() { ++active_requests_; }
  void request_finished() { --active_requests_; }
  std::int64_t in_flight() const { return in_flight_; }
  void score_started();
  void score_finished();

 private:
  void do_accept();
  bool may_accept() const;
  void stop_accepting();
  void wait_until_idle(std::chrono::steady_clock::time_point deadline, std::function<void()> then);

  boost::asio::io_context& io_;
  WorkerState state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  boost::asio::steady_timer drain_poll_;
  std::unordered_set<SessionBase*> sessions_;
  std::int64_t active_requests_ = 0;
  std::int64_t in_flight_ = 0;
  bool draining_ = false;
  bool stuck_ = false;
};

// Starts the session of one accepted connection (TLS when configured); see session.cpp.
void start_session(std::shared_ptr<Server> server, boost::asio::ip::tcp::socket socket);

}  // namespace kiln::serve::http
