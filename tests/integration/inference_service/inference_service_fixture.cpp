#include "tests/integration/inference_service/inference_service_fixture.hpp"

#include <curl/curl.h>

#include <csignal>
#include <cstdlib>
#include <sstream>

namespace kiln::testing {

using nlohmann::json;
using namespace std::chrono_literals;

void InferenceServiceTest::SetUp() {
  KilnCrdTest::SetUp();
}

void InferenceServiceTest::TearDown() {
  if (operator_) {
    EXPECT_TRUE(operator_->running()) << "kiln-operator crashed:\n" << operator_->log();
    operator_->signal(SIGTERM);
    auto code = operator_->wait_for_exit(20s);
    EXPECT_EQ(code, 0) << operator_->log();
    if (std::getenv("KILN_TEST_OPERATOR_KUBECONFIG")) {
      // The RBAC proof (tests/integration/chart): the chart's role was enough.
      const auto log = operator_->log();
      EXPECT_EQ(log.find("API error 403"), std::string::npos) << log;
      EXPECT_EQ(log.find("orbidden"), std::string::npos) << log;
    }
  }
  KilnCrdTest::TearDown();
}

void InferenceServiceTest::start_operator(const std::vector<std::string>& extra) {
  metrics_port_ = free_port();
  // KILN_TEST_OPERATOR_KUBECONFIG: a token of the chart's ServiceAccount
  // instead of the admin's credentials (tests/integration/chart).
  const char* as_chart = std::getenv("KILN_TEST_OPERATOR_KUBECONFIG");
  std::vector<std::string> argv = {KILN_OPERATOR,
                                   "--kubeconfig",
                                   as_chart ? as_chart : cluster().var("KUBECONFIG"),
                                   "--namespace",
                                   ns(),
                                   "--no-leader-elect",
                                   "--controllers",
                                   "inferenceservice",
                                   "--health-probe-bind-address",
                                   "127.0.0.1:" + std::to_string(free_port()),
                                   "--metrics-bind-address",
                                   "127.0.0.1:" + std::to_string(metrics_port_),
                                   "--log-level",
                                   "debug"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  operator_ = std::make_unique<ChildProcess>(argv, "/tmp/kiln-operator-isvc-" + ns() + ".log");
}

std::string InferenceServiceTest::digest_of(int version) {
  return "sha256:" + std::string(64, static_cast<char>('0' + version % 10));
}

std::string InferenceServiceTest::model_image(const std::string& name, int version) const {
  return "registry.kiln.test/models/" + ns() + "/" + name + "@" + digest_of(version);
}

std::string InferenceServiceTest::environment_image(const std::string& name) const {
  return "registry.kiln.test/environments/" + ns() + "/" + name + "@sha256:" + std::string(64, 'e');
}

void InferenceServiceTest::create_model(const std::string& name, int latest) {
  apply(json{{"apiVersion", "kiln.dev/v1alpha1"},
             {"kind", "Model"},
             {"metadata", {{"name", name}}},
             {"spec", {{"source", {{"uri", "https://models.example.com/" + name + ".pkl"}}}}}}
            .dump());
  set_model_version(name, latest);
}

void InferenceServiceTest::set_model_version(const std::string& name, int latest) {
  json versions = json::array();
  for (int v = latest; v >= 1; --v) {
    versions.push_back({{"version", v}, {"digest", digest_of(v)}, {"image", model_image(name, v)}});
  }
  json status = {
      {"status",
       {{"version", latest},
        {"digest", digest_of(latest)},
        {"image", model_image(name, latest)},
        {"versions", versions},
        {"conditions", json::array({{{"type", "Ready"},
                                     {"status", "True"},
                                     {"reason", "Registered"},
                                     {"message", "registered"},
                                     {"lastTransitionTime", "2026-11-21T00:00:00Z"}}})}}}};
  auto r = kubectl(
      {"patch", "model", name, "--subresource=status", "--type=merge", "-p", status.dump()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void InferenceServiceTest::create_environment(const std::string& name) {
  apply(json{{"apiVersion", "kiln.dev/v1alpha1"},
             {"kind", "Environment"},
             {"metadata", {{"name", name}}},
             {"spec", {{"python", {{"pip", json::array({"scikit-learn"})}}}}}}
            .dump());
  json status = {
      {"status",
       {{"phase", "Ready"},
        {"image", environment_image(name)},
        {"conditions", json::array({{{"type", "Ready"},
                                     {"status", "True"},
                                     {"reason", "Built"},
                                     {"message", "built"},
                                     {"lastTransitionTime", "2026-11-21T00:00:00Z"}}})}}}};
  auto r = kubectl(
      {"patch", "environment", name, "--subresource=status", "--type=merge", "-p", status.dump()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void InferenceServiceTest::apply_service(const std::string& name, const json& spec) {
  apply(json{{"apiVersion", "kiln.dev/v1alpha1"},
             {"kind", "InferenceService"},
             {"metadata", {{"name", name}}},
             {"spec", spec}}
            .dump());
}

std::string InferenceServiceTest::condition(const json& object, const std::string& type,
                                            const char* field) {
  for (const auto& c : object.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == type) return c.value(field, "");
  }
  return "";
}

bool InferenceServiceTest::wait_ready(const std::string& name, std::chrono::milliseconds timeout) {
  return eventually([&] { return condition(service(name), "Ready", "status") == "True"; }, timeout,
                    500ms);
}

bool InferenceServiceTest::wait_reason(const std::string& name, const std::string& reason,
                                       std::chrono::milliseconds timeout) {
  return eventually([&] { return condition(service(name), "Ready", "reason") == reason; }, timeout,
                    500ms);
}

json InferenceServiceTest::pods(const std::string& service_name) {
  return get_json({"pods", "-l", "kiln.dev/inference-service=" + service_name});
}

bool InferenceServiceTest::pods_ready(const std::string& service_name, std::size_t count) {
  auto list = pods(service_name).value("items", json::array());
  std::size_t ready = 0;
  for (const auto& p : list) {
    if (p["metadata"].contains("deletionTimestamp")) continue;
    for (const auto& c : p.value("/status/conditions"_json_pointer, json::array())) {
      if (c.value("type", "") == "Ready" && c.value("status", "") == "True") ++ready;
    }
  }
  return ready == count;
}

namespace {
size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}
}  // namespace

double InferenceServiceTest::reconcile_total() {
  std::string body;
  CURL* curl = curl_easy_init();
  const std::string url = "http://127.0.0.1:" + std::to_string(metrics_port_) + "/metrics";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  double total = 0;
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("controller_runtime_reconcile_total{", 0) == 0 &&
        line.find("controller=\"inferenceservice\"") != std::string::npos) {
      total += std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return total;
}

}  // namespace kiln::testing
