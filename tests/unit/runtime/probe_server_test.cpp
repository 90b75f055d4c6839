#include "operator/runtime/probe_server.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace kiln::runtime {
namespace {

struct Response {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string content_type;
  long new_connections = 0;
};

// A libcurl easy handle; reusing one across requests reuses its connection.
class HttpClient {
 public:
  HttpClient() : curl_(curl_easy_init()) {}
  ~HttpClient() { curl_easy_cleanup(curl_); }

  Response request(const std::string& url, const char* method = "GET") {
    Response r;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &HttpClient::write);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
    r.code = curl_easy_perform(curl_);
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
    char* type = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_CONTENT_TYPE, &type);
    if (type != nullptr) r.content_type = type;
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &r.new_connections);
    return r;
  }

 private:
  static size_t write(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  CURL* curl_;
};

class ProbeServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  static void TearDownTestSuite() { curl_global_cleanup(); }

  void start(ProbeServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server = std::make_unique<ProbeServer>(options, &registry);
    server->add_health_check("ping", [] { return std::nullopt; });
    server->add_readiness_check("informers-synced", [this]() -> std::optional<std::string> {
      if (synced) return std::nullopt;
      return "2 of 3 caches synced";
    });
    server->add_readiness_check("leader-election", [] { return std::nullopt; });
    server->start();
    ASSERT_NE(server->port(), 0);
  }

  std::string url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(server->port()) + path;
  }

  MetricsRegistry registry;
  std::atomic<bool> synced{false};
  std::unique_ptr<ProbeServer> server;
  HttpClient client;
};

TEST_F(ProbeServerTest, HealthzIsOkWhenEveryHealthCheckPasses) {
  start();
  auto r = client.request(url("/healthz"));
  ASSERT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  r = client.request(url("/healthz?verbose"));
  EXPECT_EQ(r.body, "[+]ping ok\nhealthz check passed\n");
}

TEST_F(ProbeServerTest, ReadyzFailsWithTheFailingCheckNamesUntilAllPass) {
  start();
  auto r = client.request(url("/readyz"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "[-]informers-synced failed: 2 of 3 caches synced\n[+]leader-election ok\n"
            "readyz check failed\n");
  r = client.request(url("/readyz/leader-election"));
  EXPECT_EQ(r.status, 200);
  r = client.request(url("/readyz/informers-synced"));
  EXPECT_EQ(r.status, 500);

  synced = true;
  r = client.request(url("/readyz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(client.request(url("/readyz/no-such-check")).status, 404);
}

TEST_F(ProbeServerTest, ChecksAddedAfterStartCountAndThrowingChecksFail) {
  start();
  synced = true;
  server->add_readiness_check("webhook", []() -> std::optional<std::string> {
    throw std::runtime_error("certificate missing");
  });
  auto r = client.request(url("/readyz"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("[-]webhook failed: check threw: certificate missing\n"), std::string::npos)
      << r.body;
}

TEST_F(ProbeServerTest, MetricsServesThePrometheusTextOfTheRegistry) {
  registry
      .counter("controller_runtime_reconcile_total", "Total reconciles.", {"controller", "result"})
      .with({"model", "success"})
      .inc(7);
  start();
  auto r = client.request(url("/metrics"));
  ASSERT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("# TYPE controller_runtime_reconcile_total counter\n"
                        "controller_runtime_reconcile_total{controller=\"model\",result="
                        "\"success\"} 7\n"),
            std::string::npos)
      << r.body;
}

TEST_F(ProbeServerTest, UnknownPathsAndOtherMethodsAreRejected) {
  start();
  EXPECT_EQ(client.request(url("/nope")).status, 404);
  EXPECT_EQ(client.request(url("/healthzz")).status, 404);
  EXPECT_EQ(client.request(url("/metrics"), "POST").status, 405);
}

TEST_F(ProbeServerTest, SplitServersServeOnlyTheirEndpoints) {
  ProbeServerOptions options;
  options.serve_probes = false;
  start(options);
  EXPECT_EQ(client.request(url("/metrics")).status, 200);
  EXPECT_EQ(client.request(url("/healthz")).status, 404);
}

TEST_F(ProbeServerTest, KeepsConnectionsAlive) {
  start();
  auto first = client.request(url("/healthz"));
  EXPECT_EQ(first.new_connections, 1);
  auto second = client.request(url("/metrics"));
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.new_connections, 0);  // reused the first connection
}

TEST_F(ProbeServerTest, StopClosesIdleConnectionsAndRefusesNewOnes) {
  start();
  ASSERT_EQ(client.request(url("/healthz")).status, 200);  // leaves an idle keep-alive connection
  const std::string healthz = url("/healthz");
  server->stop();  // returns although a client connection is still open
  HttpClient fresh;
  EXPECT_EQ(fresh.request(healthz).code, CURLE_COULDNT_CONNECT);
  server->stop();  // idempotent
}

TEST_F(ProbeServerTest, StartFailsWhenThePortIsTaken) {
  start();
  ProbeServerOptions options;
  options.address = "127.0.0.1";
  options.port = server->port();
  ProbeServer second(options, &registry);
  EXPECT_ANY_THROW(second.start());
}

}  // namespace
}  // namespace kiln::runtime
