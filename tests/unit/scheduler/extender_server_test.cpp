#include "scheduler/extender_server.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

HttpAnswer request(unsigned short port, const std::string& path, const std::string* post = nullptr,
                   const char* method = nullptr) {
  HttpAnswer answer;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (post != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post->size()));
  }
  if (method != nullptr) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return answer;
}

class ExtenderServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    view.upsert_node(testing::a100_node("a100-0"));
    view.upsert_node(testing::t4_node("t4-0"));
    server.start();
  }

  ClusterView view;
  runtime::MetricsRegistry registry;
  ExtenderMetrics metrics{registry};
  Extender extender{view, &metrics};
  std::atomic<bool> synced{false};
  ExtenderServer server{{.port = 0, .body_limit = 1024 * 1024},
                        extender,
                        registry,
                        [this]() -> std::optional<std::string> {
                          if (synced) return std::nullopt;
                          return "caches not synced";
                        }};
};

TEST_F(ExtenderServerTest, VerbsOverHttp) {
  std::string body = nlohmann::json{{"Pod", testing::make_pod("p", {{"nvidia.com/gpu", "1"}},
                                                              {{"kiln.dev/gpu-product", "A100"}})},
                                    {"NodeNames", {"a100-0", "t4-0"}}}
                         .dump();
  auto f = request(server.port(), "/filter", &body);
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(nlohmann::json::parse(f.body)["NodeNames"], nlohmann::json({"a100-0"}));
  // kube-scheduler joins urlPrefix and verb; a prefix path is fine.
  auto p = request(server.port(), "/kiln/prioritize", &body);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(nlohmann::json::parse(p.body).size(), 2u);
  auto bad = std::string("{");
  auto e = request(server.port(), "/filter", &bad);
  EXPECT_EQ(e.status, 200);
  EXPECT_NE(nlohmann::json::parse(e.body)["Error"].get<std::string>().find("not valid JSON"),
            std::string::npos);
}

TEST_F(ExtenderServerTest, ProbesAndMetrics) {
  EXPECT_EQ(request(server.port(), "/healthz").status, 200);
  auto not_ready = request(server.port(), "/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.body.find("caches not synced"), std::string::npos);
  synced = true;
  EXPECT_EQ(request(server.port(), "/readyz").status, 200);
  std::string body = R"({"Pod":{},"NodeNames":["a100-0"]})";
  request(server.port(), "/filter", &body);
  auto m = request(server.port(), "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(
      m.body.find("kiln_scheduler_extender_request_duration_seconds_count{verb=\"filter\"} 1"),
      std::string::npos)
      << m.body;
}

TEST_F(ExtenderServerTest, RefusesWhatItDoesNotServe) {
  EXPECT_EQ(request(server.port(), "/nothing").status, 404);
  EXPECT_EQ(request(server.port(), "/filter").status, 405);  // GET
  std::string x = "x";
  EXPECT_EQ(request(server.port(), "/metrics", &x).status, 405);
  std::string huge(2 * 1024 * 1024, ' ');
  auto big = request(server.port(), "/filter", &huge);
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.body.find("too large"), std::string::npos);
  EXPECT_EQ(request(server.port(), "/healthz").status, 200);  // still serving
}

TEST_F(ExtenderServerTest, StopsWhileAClientHoldsAConnection) {
  // A keep-alive connection left open must not keep stop() waiting.
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/healthz";
  std::string sink;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  auto start = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  curl_easy_cleanup(curl);
}

}  // namespace
}  // namespace kiln::scheduler
