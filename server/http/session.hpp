#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "server/http/routes.hpp"
#include "server/http/server.hpp"

namespace kiln::serve::http {

// One client connection: HTTP/1.1 keep-alive, one request at a time.
//
//   wait (idle timeout) -> read header (header timeout) -> read body (body
//   timeout, size limit) -> answer, or hand /score to the scoring thread and
//   answer when it is done or the scoring timeout passes -> wait again.
//
// Beast parses; every malformed, oversized or slow request is answered with
// a 4xx JSON body (or, when too slow, closed) and never reaches Python.
//
// `Stream` is a plain TCP stream, or a TLS stream over one (KILN_TLS_*): the
// TLS session starts with the handshake (header timeout) and is otherwise
// the same.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  // `tls`: the context of a TLS session (null for plain TCP); kept alive by the session.
  Session(std::shared_ptr<Server> server, boost::asio::ip::tcp::socket socket,
          std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~Session() override;

  void start();
  void close_if_idle() override;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void wait_for_request();
  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void handle();
  void handle_score(Request& req);
  void on_watchdog(boost::beast::error_code ec);
  void finish_score(python::ScoreResponse r);

  void handle_swagger(Request& req, std::string_view query);
  bool read_request_ids(const Request& req);

  void reply_json(int status, const std::string& message);
  void reply_not_found();
  void reply_method_not_allowed(const char* allow);
  void reply_error_and_close(int status, const std::string& message);
  void send(Response res);
  void graceful_close();
  void close();

  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }
  boost::asio::ip::tcp::socket& socket() { return tcp().socket(); }

  std::shared_ptr<Server> server_;
  WorkerState& state_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // before stream_, which uses it
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;
  boost::asio::steady_timer timer_;  // idle wait, then the scoring watchdog
  bool idle_ = false;
  bool in_request_ = false;
  bool keep_alive_ = true;
  bool closed_ = false;
  Route route_ = Route::kOther;
  // The request's ids, answered as the reference server answers them.
  std::string request_id_;               // x-request-id
  std::string legacy_id_;                // x-ms-request-id
  std::string client_id_;                // x-ms-client-request-id
  std::optional<std::string> trace_id_;  // TraceId, echoed
  bool head_ = false;                    // a HEAD request: the GET answer without its body
  bool response_object_ = false;         // run() built the response: its headers as they are
  bool flask_answer_ = false;  // answered as Flask answers by itself (health, automatic OPTIONS)
  std::chrono::steady_clock::time_point request_start_;
  std::shared_ptr<ScoreJob> job_;
  char discard_[4096];
  std::size_t discarded_ = 0;
};

using PlainSession = Session<boost::beast::tcp_stream>;
using TlsSession = Session<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
extern template class Session<boost::beast::tcp_stream>;
extern template class Session<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace kiln::serve::http
