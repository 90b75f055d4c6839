// kiln-serve as a real process, real models, real HTTP on loopback.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/server/http_client.hpp"
#include "tests/integration/server/serve_process.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kSeedsRequest = R"({"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]})";
const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

std::string script(const std::string& name) {
  return scripts_dir() + "/" + name + "/score.py";
}
std::string models() {
  return fixtures_dir() + "/models";
}

json expected() {
  std::ifstream in(models() + "/expected.json");
  return json::parse(in);
}

std::string sklearn_script() {
  return scripts_dir() + "/../../../../server/examples/diabetes/score.py";
}

HttpResult post(ServeProcess& s, const std::string& body,
                std::map<std::string, std::string> headers = kJson) {
  return http_request("POST", s.url("/score"), body, headers);
}

long post_ok(ServeProcess& s) {
  return http_request("POST", s.url("/score"), R"({"n": 1})", kJson).status;
}

// A JSON body with a "message", as every error answer must have.
void expect_json_error(const HttpResult& r, long status) {
  EXPECT_EQ(r.status, status) << r.body;
  auto j = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "not JSON: " << r.body;
  EXPECT_TRUE(j.contains("message")) << r.body;
  EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
            "application/json");
}

long metric(ServeProcess& s, const std::string& series) {
  auto r = http_request("GET", s.url("/metrics"), "", {});
  auto pos = r.body.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  return std::stol(r.body.substr(pos + series.size() + 2));
}

TEST(KilnServe, ScoresTheSeedsRequestWithTheDiabetesRidgeModel) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", sklearn_script()},
                  {"AZUREML_MODEL_DIR", models()},
                  {"WORKER_COUNT", "2"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();

  auto health = http_request("GET", s.url("/"), "", {});
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "Healthy");

  auto want = expected()["sklearn"];
  for (int i = 0; i < 6; ++i) {  // several connections, so both workers answer
    auto r = post(s, kSeedsRequest);
    ASSERT_EQ(r.status, 200) << r.body << s.log();
    auto got = json::parse(r.body);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].get<double>(), want[0].get<double>());  // bit for bit
    EXPECT_EQ(got[1].get<double>(), want[1].get<double>());
    ASSERT_TRUE(r.headers.count("x-ms-run-fn-exec-ms"));
    EXPECT_GE(std::stod(r.headers["x-ms-run-fn-exec-ms"]), 0.0);
    EXPECT_EQ(r.headers["x-request-id"].size(), 36u);  // generated UUID
  }
  // The request id is echoed; GET passes the query as JSON; OPTIONS is answered.
  auto echoed =
      post(s, kSeedsRequest, {{"Content-Type", "application/json"}, {"x-request-id", "abc-123"}});
  EXPECT_EQ(echoed.headers["x-request-id"], "abc-123");
  auto get = http_request(
      "GET", s.url("/score?data=%5B%5B1,2,3,4,5,6,7,8,9,10%5D,%5B10,9,8,7,6,5,4,3,2,1%5D%5D"), "",
      {});
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_DOUBLE_EQ(json::parse(get.body)[0].get<double>(), want[0].get<double>());
  EXPECT_EQ(http_request("OPTIONS", s.url("/score"), "", {}).status, 200);

  // Swagger 2 and 3, generic for an undecorated run(); other versions 404.
  auto v2 = json::parse(http_request("GET", s.url("/swagger.json?version=2"), "", {}).body);
  EXPECT_EQ(v2["swagger"], "2.0");
  EXPECT_TRUE(v2["paths"].contains("/score"));
  auto v3 = json::parse(http_request("GET", s.url("/swagger.json?version=3"), "", {}).body);
  EXPECT_EQ(v3["openapi"], "3.0.3");
  expect_json_error(http_request("GET", s.url("/swagger.json?version=7"), "", {}), 404);

  auto m = http_request("GET", s.url("/metrics"), "", {});
  EXPECT_NE(m.body.find("kiln_serve_requests_total{route=\"/score\",status=\"200\"} 9"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("kiln_serve_request_duration_seconds_count{route=\"/score\"} 9"),
            std::string::npos);
  EXPECT_EQ(metric(s, "kiln_serve_requests_in_flight"), 0);
  EXPECT_EQ(metric(s, "kiln_serve_worker_starts_total"), 2);

  EXPECT_EQ(s.stop(), 0) << s.log();
  EXPECT_EQ(s.log().find("[critical]"), std::string::npos) << s.log();
}

TEST(KilnServe, ScoresAnOnnxModelThroughOnnxruntime) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("onnx")}, {"AZUREML_MODEL_DIR", models()}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto r = post(s, kSeedsRequest);
  ASSERT_EQ(r.status, 200) << r.body << s.log();
  auto got = json::parse(r.body);
  auto want = expected()["onnx"];
  ASSERT_EQ(got.size(), 2u);
  EXPECT_FLOAT_EQ(got[0].get<float>(), want[0].get<float>());
  EXPECT_FLOAT_EQ(got[1].get<float>(), want[1].get<float>());
  // Same model, float32: close to the scikit-learn answer too.
  EXPECT_NEAR(got[0].get<double>(), expected()["sklearn"][0].get<double>(), 0.05);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, RawHttpScriptGetsTheRequestAndShapesTheResponse) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("rawhttp")}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto r =
      post(s, "abc\x01xyz", {{"Content-Type", "application/octet-stream"}, {"X-Custom", "yes"}});
  EXPECT_EQ(r.status, 201) << r.body << s.log();
  EXPECT_EQ(r.body, std::string("zyx\x01"
                                "cba"));
  EXPECT_EQ(r.headers["x-echo-method"], "POST");
  EXPECT_EQ(r.headers["x-seen-header"], "yes");
  auto get = http_request("GET", s.url("/score?a=1&b=two"), "", {});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "/score?a=1&b=two");
  // OPTIONS reaches run() for @rawhttp scripts, which answers 418 here.
  EXPECT_EQ(http_request("OPTIONS", s.url("/score"), "", {}).status, 418);
  // Malformed JSON is the script's business under @rawhttp: no 400 from us.
  EXPECT_EQ(post(s, "{not json").status, 201);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, SchemaDecoratedRunGetsParsedArgumentsAndDescribesItself) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("schema")}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto r = post(s, R"({"data": [[1, 2, 3], [4, 5, 6]]})");
  ASSERT_EQ(r.status, 200) << r.body << s.log();
  EXPECT_EQ(json::parse(r.body), json::parse("[6.0, 15.0]"));
  // A missing parameter, a non-object body, a non-JSON type: 4xx, not 500.
  expect_json_error(post(s, R"({"other": 1})"), 400);
  expect_json_error(post(s, R"([1, 2])"), 400);
  expect_json_error(post(s, R"({"data": [[1]]})", {{"Content-Type", "text/plain"}}), 415);
  auto v2 = json::parse(http_request("GET", s.url("/swagger.json"), "", {}).body);
  auto input = v2["definitions"]["ServiceInput"];
  EXPECT_EQ(input["type"], "object") << input;
  EXPECT_TRUE(input["properties"].contains("data")) << input;
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, KeyAuthWithRotationFromAMountedFile) {
  auto dir = fs::temp_directory_path() / ("kiln-keys-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto keys = dir / "keys.json";
  auto write_keys = [&](const std::string& primary, const std::string& secondary) {
    // Like a Secret volume update: a new file renamed over the old one.
    auto tmp = dir / "keys.json.tmp";
    std::ofstream(tmp) << json{{"primaryKey", primary}, {"secondaryKey", secondary}}.dump();
    fs::rename(tmp, keys);
  };
  write_keys("first-primary", "first-secondary");
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", sklearn_script()},
                  {"AZUREML_MODEL_DIR", models()},
                  {"KILN_AUTH_KEYS_FILE", keys.string()},
                  {"KILN_PRIMARY_KEY", "env-key"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();  // GET / needs no key
  auto with = [&](const std::string& key) {
    return post(s, kSeedsRequest,
                {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key}});
  };
  auto none = post(s, kSeedsRequest);
  expect_json_error(none, 401);
  EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
  expect_json_error(with("wrong"), 401);
  EXPECT_EQ(with("first-primary").status, 200);
  EXPECT_EQ(with("first-secondary").status, 200);
  EXPECT_EQ(with("env-key").status, 200);
  expect_json_error(post(s, kSeedsRequest, {{"Authorization", "Basic first-primary"}}), 401);

  write_keys("second-primary", "first-primary");  // rotate: old primary becomes secondary
  EXPECT_EQ(with("second-primary").status, 200);
  EXPECT_EQ(with("first-primary").status, 200);
  expect_json_error(with("first-secondary"), 401);
  EXPECT_EQ(s.stop(), 0);
  fs::remove_all(dir);
}

TEST(KilnServe, ScoringTimeoutAnswers500AndReplacesTheStuckWorker) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")}, {"SCORING_TIMEOUT_MS", "1000"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  EXPECT_EQ(post(s, R"({"n": 1})").status, 200);
  auto r = post(s, R"({"sleep": 600})");
  expect_json_error(r, 500);
  EXPECT_EQ(json::parse(r.body)["message"], "Scoring timeout after 1000 ms");
  // A fresh worker takes over the same port (init() again: calls restarts at 1).
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto after = post(s, R"({"n": 2})");
  ASSERT_EQ(after.status, 200) << after.body << s.log();
  EXPECT_EQ(json::parse(after.body)["calls"], 1);
  EXPECT_EQ(metric(s, "kiln_serve_scoring_timeouts_total"), 1);
  EXPECT_EQ(metric(s, "kiln_serve_worker_starts_total"), 2);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, ConcurrencyLimitAnswers503WithRetryAfter) {
  ServeProcess s(
      {{"AZUREML_ENTRY_SCRIPT", script("behaviour")}, {"KILN_MAX_CONCURRENT_REQUESTS", "1"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto slow = std::async(std::launch::async, [&] { return post(s, R"({"sleep": 3})"); });
  // Wait until the slow call is in flight (bounded), then ask again.
  for (int i = 0; i < 200 && metric(s, "kiln_serve_requests_in_flight") < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(metric(s, "kiln_serve_requests_in_flight"), 1);
  auto busy = post(s, R"({"n": 1})");
  expect_json_error(busy, 503);
  EXPECT_EQ(busy.headers["retry-after"], "1");
  EXPECT_EQ(slow.get().status, 200);
  EXPECT_EQ(post(s, R"({"n": 1})").status, 200);
  EXPECT_EQ(metric(s, "kiln_serve_rejected_busy_total"), 1);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, ExtraRequirementsAreInstalledAtBootFromALocalWheelDirectory) {
  auto target = fs::temp_directory_path() / ("kiln-extra-" + std::to_string(::getpid()));
  fs::remove_all(target);
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", fixtures_dir() + "/extra_reqs/score.py"},
                  {"AZUREML_EXTRA_REQUIREMENTS_TXT", "requirements.txt"},  // relative to score.py
                  {"KILN_EXTRA_PACKAGES_DIR", target.string()}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto r = post(s, "{}");
  ASSERT_EQ(r.status, 200) << r.body << s.log();
  EXPECT_EQ(json::parse(r.body)["extra"], "installed at boot");
  EXPECT_TRUE(fs::exists(target / "kiln_extra_demo" / "__init__.py"));
  EXPECT_NE(s.log().find("pip: "), std::string::npos) << "pip's output is logged";
  EXPECT_EQ(s.stop(), 0);
  fs::remove_all(target);
}

TEST(KilnServe, ExtraPythonLibPathIsOnSysPath) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("extra_lib")},
                  {"AZUREML_EXTRA_PYTHON_LIB_PATH", "lib"}});  // relative to score.py
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto r = post(s, "{}");
  ASSERT_EQ(r.status, 200) << r.body << s.log();
  EXPECT_EQ(json::parse(r.body)["lib"], "from the extra lib path");
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, MalformedAndOversizedRequestsGet4xxJsonAndNeverHurtTheServer) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", sklearn_script()},
                  {"AZUREML_MODEL_DIR", models()},
                  {"KILN_MAX_BODY_BYTES", "4096"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  // As under Azure ML, run() is handed malformed and empty JSON; the seeds'
  // run() has no try/except, so it raises: a 500 with the generic message.
  expect_json_error(post(s, R"({"data": [[1,2)"), 500);
  expect_json_error(post(s, ""), 500);
  // What cannot be decoded is refused before run(), as the reference server does.
  auto not_utf8 = post(s, std::string("{\"data\": \"\xff\xfe\"}"));
  expect_json_error(not_utf8, 400);
  EXPECT_NE(not_utf8.body.find("Input cannot be decoded as UTF-8: 'utf-8' codec can't decode"),
            std::string::npos)
      << not_utf8.body;
  std::string big = R"({"data": [[)" + std::string(8000, '1') + "]]}";
  expect_json_error(post(s, big), 413);
  expect_json_error(http_request("DELETE", s.url("/score"), "", {}), 405);
  expect_json_error(http_request("GET", s.url("/nope"), "", {}), 404);
  expect_json_error(
      post(s, kSeedsRequest,
           {{"Content-Type", "application/json"}, {"x-request-id", std::string(150, 'x')}}),
      431);
  // Valid JSON the model cannot use: run() raises, a 500 that tells nothing
  // about the script but the request id to find it in the log.
  auto wrong = post(s, R"({"data": [[1, 2]]})");
  expect_json_error(wrong, 500);
  EXPECT_EQ(wrong.body.find("Traceback"), std::string::npos) << "no traceback outside debug mode";
  EXPECT_EQ(wrong.body.find("features"), std::string::npos) << "no exception text: " << wrong.body;
  EXPECT_EQ(json::parse(wrong.body)["request_id"], wrong.headers["x-request-id"]);

  bool closed = false;
  auto garbage =
      raw_exchange(s.port(), std::string("\x16\x03\x01\x02\x00garbage\r\n\r\n", 16), 5000, &closed);
  EXPECT_NE(garbage.find("400 Bad Request"), std::string::npos) << garbage;
  auto huge_header = raw_exchange(
      s.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n",
      5000, &closed);
  EXPECT_NE(huge_header.find("431"), std::string::npos) << huge_header.substr(0, 200);
  auto chunked =
      raw_exchange(s.port(),
                   "POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n2000\r\n" +
                       std::string(0x2000, '1') + "\r\n0\r\n\r\n",
                   5000, &closed);
  EXPECT_NE(chunked.find("413"), std::string::npos) << chunked.substr(0, 200);

  // Expect: 100-continue is honoured (curl sends it for larger bodies).
  auto expect = raw_exchange(s.port(),
                             "POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Expect: 100-continue\r\nContent-Length: " +
                                 std::to_string(kSeedsRequest.size()) + "\r\n\r\n",
                             3000, &closed);
  EXPECT_NE(expect.find("100 Continue"), std::string::npos) << expect;

  // Still serving, every worker still the first one.
  auto r = post(s, kSeedsRequest);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(metric(s, "kiln_serve_worker_starts_total"), 1);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, StrictJsonRefusesMalformedJsonBeforeRun) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")}, {"KILN_STRICT_JSON", "1"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto bad = post(s, R"({"n": [1, 2)");
  expect_json_error(bad, 400);
  EXPECT_NE(bad.body.find("could not be decoded as JSON"), std::string::npos) << bad.body;
  expect_json_error(post(s, ""), 400);
  auto ok = post(s, R"({"n": 1})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["calls"], 1) << "run() saw only the valid request";
  EXPECT_EQ(s.stop(), 0);
}

// In strict JSON mode (the JSON cases below are the JSON checker's).
TEST(KilnServe, NastyRawRequestsGet4xxOrAreClosedAndTheServerSurvives) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")},
                  {"KILN_MAX_BODY_BYTES", "65536"},
                  {"KILN_STRICT_JSON", "1"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  const std::string post = "POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  const std::vector<std::string> nasty = {
      std::string("GET / HTTP/1.1\r\nHost: x\r\nX-Null: a\0b\r\n\r\n", 36),
      post + "Content-Length: -5\r\n\r\n{}",
      post + "Content-Length: 99999999999999999999\r\n\r\n",
      post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      post + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
      "GET /" + std::string(100000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "BREW /score HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "\r\n\r\n\r\n",
      post + "Content-Length: 4\r\n\r\n\"\\u\"",
      post + "Content-Length: 10\r\n\r\n[1e999999]",
      post + "Content-Length: 3\r\n\r\n\xc0\xaf\"",
  };
  for (const auto& request : nasty) {
    bool closed = false;
    auto answer = raw_exchange(s.port(), request, 3000, &closed);
    bool client_error = answer.rfind("HTTP/1.1 4", 0) == 0;
    EXPECT_TRUE(client_error || (answer.empty() && closed))
        << "request: " << request.substr(0, 80) << "\nanswer: " << answer.substr(0, 200);
    if (client_error) {
      EXPECT_NE(answer.find("{\"message\""), std::string::npos) << answer.substr(0, 300);
    }
  }
  EXPECT_EQ(post_ok(s), 200);
  EXPECT_EQ(metric(s, "kiln_serve_worker_starts_total"), 1);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, AnExceptionInRunIs500AndTheWorkerKeepsServing) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto r = post(s, R"({"fail": "the input was odd"})",
                {{"Content-Type", "application/json"}, {"x-request-id", "find-me-7"}});
  expect_json_error(r, 500);
  // The reference server's generic message, plus the request id; the
  // exception's text only in the log, under that id.
  auto body = json::parse(r.body);
  EXPECT_EQ(body["message"],
            "An unexpected error occurred in scoring script. Check the logs for more info.");
  EXPECT_EQ(body["request_id"], "find-me-7");
  EXPECT_EQ(r.headers["x-ms-run-function-failed"], "True");
  EXPECT_EQ(r.body.find("the input was odd"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("Traceback"), std::string::npos);
  EXPECT_NE(s.log().find("request find-me-7: run() raised ValueError: the input was odd"),
            std::string::npos)
      << s.log();
  // numpy values are encoded (json.dumps alone refuses np.float32).
  auto np = post(s, R"({"numpy": 1})");
  EXPECT_EQ(np.status, 200) << np.body;
  EXPECT_EQ(np.body, "1.5");
  auto ok = post(s, R"({"n": 1})", {{"Content-Type", "application/json"}, {"X-Custom", "hdr"}});
  ASSERT_EQ(ok.status, 200);
  auto j = json::parse(ok.body);
  EXPECT_EQ(j["calls"], 3);         // same worker, same interpreter
  EXPECT_EQ(j["x-custom"], "hdr");  // run(request_headers=...) gets the headers
  EXPECT_NE(s.log().find("Traceback"), std::string::npos) << "the traceback is logged";
  EXPECT_NE(s.log().find("init from the logging module"), std::string::npos)
      << "logging.info shows";
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, DebugModePutsTheTracebackInThe500) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")}, {"KILN_DEBUG", "1"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto r = post(s, R"({"fail": "boom"})");
  expect_json_error(r, 500);
  EXPECT_NE(json::parse(r.body)["traceback"].get<std::string>().find("ValueError: boom"),
            std::string::npos);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, AnExceptionInInitExitsNonZeroWithTheTraceback) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("badinit")}, {"WORKER_COUNT", "2"}});
  int code = s.wait_exit(std::chrono::seconds(120));
  EXPECT_NE(code, 0);
  EXPECT_NE(code, -1) << "still running";
  auto log = s.log();
  EXPECT_NE(log.find("Traceback"), std::string::npos) << log;
  EXPECT_NE(log.find("the model file is corrupt"), std::string::npos) << log;
}

TEST(KilnServe, SlowClientsAreCutOffByTheHeaderAndIdleTimeouts) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")},
                  {"KILN_HEADER_TIMEOUT_MS", "300"},
                  {"KILN_IDLE_TIMEOUT_MS", "300"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  bool closed = false;
  raw_exchange(s.port(), "POST /score HTTP/1.1\r\nHost: x\r\n", 20000, &closed);
  EXPECT_TRUE(closed) << "a request whose header never ends is dropped";
  closed = false;
  raw_exchange(s.port(), "", 20000, &closed);
  EXPECT_TRUE(closed) << "an idle connection is dropped";
  EXPECT_EQ(http_request("GET", s.url("/"), "", {}).status, 200);
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, AWorkerThatDiesIsReplaced) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")}, {"WORKER_COUNT", "2"}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
  };
  // Both workers past init() (one that dies before that stops the server).
  for (int i = 0; i < 600 && count(s.log(), "init() done") < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto log = s.log();
  ASSERT_EQ(count(log, "init() done"), 2) << log;
  auto at = log.find("started worker 0 (pid ");
  ASSERT_NE(at, std::string::npos) << log;
  pid_t worker = std::stoi(log.substr(at + 22));
  ASSERT_EQ(::kill(worker, SIGKILL), 0);
  // The other worker answers meanwhile; the supervisor starts a new one.
  for (int i = 0; i < 300 && metric(s, "kiln_serve_worker_starts_total") < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(metric(s, "kiln_serve_worker_starts_total"), 3);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(post(s, R"({"n": 1})").status, 200);
  EXPECT_NE(s.log().find("exited (signal Killed); starting a new one"), std::string::npos)
      << s.log();
  EXPECT_EQ(s.stop(), 0);
}

TEST(KilnServe, SigtermDrainsInFlightRequestsThenExits) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", script("behaviour")}});
  ASSERT_TRUE(s.wait_ready()) << s.log();
  auto slow = std::async(std::launch::async, [&] { return post(s, R"({"sleep": 2})"); });
  for (int i = 0; i < 200 && metric(s, "kiln_serve_requests_in_flight") < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.signal(SIGTERM);
  auto r = slow.get();
  EXPECT_EQ(r.status, 200) << r.error << s.log();
  EXPECT_EQ(s.wait_exit(std::chrono::seconds(60)), 0) << s.log();
}

}  // namespace
}  // namespace kiln::testing
