// RestClient's handling of 429 Too Many Requests, against a loopback HTTP
// server that scripts the answers (a unit test of the client's retry logic;
// everything the real API server does is covered by the cluster tests).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <functional>
#include <thread>

#include "operator/kube/rest_client.hpp"

namespace kiln::kube {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Serves each request with `answer(n)` where n counts requests from 0.
class ScriptedServer {
 public:
  using Answer = std::function<http::response<http::string_body>(int n)>;
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
        auto res = answer_(count_++);
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

http::response<http::string_body> throttled(const char* retry_after) {
  http::response<http::string_body> r{http::status::too_many_requests, 11};
  r.set(http::field::content_type, "application/json");
  if (retry_after != nullptr) r.set(http::field::retry_after, retry_after);
  r.body() =
      R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"TooManyRequests","code":429,"message":"slow down"})";
  return r;
}

http::response<http::string_body> ok() {
  http::response<http::string_body> r{http::status::ok, 11};
  r.set(http::field::content_type, "application/json");
  r.body() = R"({"kind":"ConfigMap","metadata":{"name":"x"}})";
  return r;
}

ClientConfig config_for(const ScriptedServer& s) {
  ClientConfig c;
  c.server = s.url();
  return c;
}

TEST(RestClientThrottling, RetriesAfterTooManyRequests) {
  ScriptedServer server([](int n) { return n < 2 ? throttled("0") : ok(); });
  RestClient client(config_for(server));
  auto got = client.get(resources::config_maps(), "ns", "x");
  EXPECT_EQ(got["metadata"]["name"], "x");
  EXPECT_EQ(server.requests(), 3);  // two refusals, then the answer
}

TEST(RestClientThrottling, GivesUpWithTypedErrorCarryingRetryAfter) {
  ScriptedServer server([](int) { return throttled("0"); });
  RestClient client(config_for(server));
  client.max_throttle_retries = 2;
  try {
    client.get(resources::config_maps(), "ns", "x");
    FAIL() << "no error";
  } catch (const TooManyRequestsError& e) {
    ASSERT_TRUE(e.status().retry_after.has_value());
    EXPECT_EQ(e.status().retry_after->count(), 0);
    EXPECT_EQ(e.status().message, "slow down");
  }
  EXPECT_EQ(server.requests(), 3);  // the first try and two retries
}

TEST(RestClientThrottling, RetryAfterIsCappedByTheClient) {
  // The server asks for an hour; the client waits at most max_retry_after (0 here).
  ScriptedServer server([](int n) { return n == 0 ? throttled("3600") : ok(); });
  RestClient client(config_for(server));
  client.max_retry_after = std::chrono::seconds(0);
  EXPECT_EQ(client.get(resources::config_maps(), "ns", "x")["metadata"]["name"], "x");
  EXPECT_EQ(server.requests(), 2);
}

TEST(RestClient, ConnectionRefusedIsATransportError) {
  ClientConfig c;
  {
    ScriptedServer server([](int) { return ok(); });
    c.server = server.url();
  }  // the port is closed now
  RestClient client(c);
  EXPECT_THROW(client.get(resources::config_maps(), "ns", "x"), TransportError);
}

TEST(RestClient, ReusesTheConnectionAcrossRequests) {
  ScriptedServer server([](int) { return ok(); });
  RestClient client(config_for(server));
  long opened = 0;
  for (int i = 0; i < 5; ++i)
    opened += client.send({"GET", "/api/v1/x", {}, {}, {}}).new_connections;
  EXPECT_EQ(opened, 1);
}

}  // namespace
}  // namespace kiln::kube
