#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <functional>
#include <string>
#include <thread>

namespace kiln::kube::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A loopback HTTP/1.1 server for unit tests of the client's own logic: each
// request is answered by `answer(n, target)`, n counting requests from 0.
class ScriptedServer {
 public:
  using Answer = std::function<http::response<http::string_body>(int n, const std::string& target)>;
  explicit ScriptedServer(Answer answer)
      : answer_(std::move(answer)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    // Unblock accept() with a throwaway connection.
    try {
      tcp::socket s(io_);
      s.connect(acceptor_.local_endpoint());
    } catch (...) {
    }
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int requests() const { return count_.load(); }

 private:
  void serve() {
    while (!stopping_) {
      tcp::socket sock(io_);
      boost::system::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || stopping_) return;
      beast::flat_buffer buf;
      for (;;) {  // keep-alive: many requests per connection
        http::request<http::string_body> req;
        http::read(sock, buf, req, ec);
        if (ec) break;
        auto res = answer_(count_++, std::string(req.target()));
        res.version(11);
        res.keep_alive(true);
        res.prepare_payload();
        http::write(sock, res, ec);
        if (ec) break;
      }
    }
  }
  Answer answer_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<int> count_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

inline http::response<http::string_body> json_response(http::status status, std::string body) {
  http::response<http::string_body> r{status, 11};
  r.set(http::field::content_type, "application/json");
  r.body() = std::move(body);
  return r;
}

}  // namespace kiln::kube::testing
