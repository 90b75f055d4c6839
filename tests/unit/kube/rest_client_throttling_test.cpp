// RestClient's handling of 429 Too Many Requests, against a loopback HTTP
// server that scripts the answers (a unit test of the client's retry logic;
// everything the real API server does is covered by the cluster tests).
#include <gtest/gtest.h>

#include "operator/kube/rest_client.hpp"
#include "tests/unit/kube/scripted_server.hpp"

namespace kiln::kube {
namespace {

using testing::ScriptedServer;
namespace http = testing::http;

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
  ScriptedServer server([](int n, const std::string&) { return n < 2 ? throttled("0") : ok(); });
  RestClient client(config_for(server));
  auto got = client.get(resources::config_maps(), "ns", "x");
  EXPECT_EQ(got["metadata"]["name"], "x");
  EXPECT_EQ(server.requests(), 3);  // two refusals, then the answer
}

TEST(RestClientThrottling, GivesUpWithTypedErrorCarryingRetryAfter) {
  ScriptedServer server([](int, const std::string&) { return throttled("0"); });
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
  ScriptedServer server(
      [](int n, const std::string&) { return n == 0 ? throttled("3600") : ok(); });
  RestClient client(config_for(server));
  client.max_retry_after = std::chrono::seconds(0);
  EXPECT_EQ(client.get(resources::config_maps(), "ns", "x")["metadata"]["name"], "x");
  EXPECT_EQ(server.requests(), 2);
}

TEST(RestClient, ConnectionRefusedIsATransportError) {
  ClientConfig c;
  {
    ScriptedServer server([](int, const std::string&) { return ok(); });
    c.server = server.url();
  }  // the port is closed now
  RestClient client(c);
  EXPECT_THROW(client.get(resources::config_maps(), "ns", "x"), TransportError);
}

TEST(RestClient, ReusesTheConnectionAcrossRequests) {
  ScriptedServer server([](int, const std::string&) { return ok(); });
  RestClient client(config_for(server));
  long opened = 0;
  for (int i = 0; i < 5; ++i)
    opened += client.send({"GET", "/api/v1/x", {}, {}, {}}).new_connections;
  EXPECT_EQ(opened, 1);
}

}  // namespace
}  // namespace kiln::kube
