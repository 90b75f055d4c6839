#include "tests/integration/manager/sample_operator_fixture.hpp"

#include <curl/curl.h>

#include <regex>
#include <sstream>

#include "operator/kube/kubeconfig.hpp"

namespace kiln::testing {
namespace {

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET http://127.0.0.1:port/path; the body, or "" without a 200.
std::string http_get(unsigned short port, const std::string& path) {
  std::string body;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  long code = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);
  return code == 200 ? body : "";
}

}  // namespace

std::string OperatorReplica::metrics() const {
  return http_get(probe_port, "/metrics");
}

double OperatorReplica::metric(const std::string& name, const std::string& labels) const {
  std::istringstream in(metrics());
  double sum = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    std::string series = line.substr(0, space);
    std::string series_name = series.substr(0, series.find('{'));
    if (series_name != name) continue;
    if (!labels.empty() && series.find(labels) == std::string::npos) continue;
    sum += std::stod(line.substr(space + 1));
  }
  return sum;
}

bool OperatorReplica::ready() const {
  return !http_get(probe_port, "/readyz").empty();
}

void SampleOperatorTest::SetUp() {
  ClusterTest::SetUp();
  if (HasFatalFailure()) return;
  install_widget_crd();
  if (HasFatalFailure()) return;
  client_ = kube::make_client(kube::load_kubeconfig(cluster().var("KUBECONFIG")));
}

OperatorReplica SampleOperatorTest::start_replica(const std::vector<std::string>& extra_args,
                                                  const std::string& name,
                                                  const std::string& kubeconfig) {
  OperatorReplica replica;
  replica.probe_port = free_port();
  std::vector<std::string> argv = {SAMPLE_OPERATOR,
                                   "--kubeconfig",
                                   kubeconfig.empty() ? cluster().var("KUBECONFIG") : kubeconfig,
                                   "--namespace",
                                   ns(),
                                   "--probe-port",
                                   std::to_string(replica.probe_port)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  replica.process =
      std::make_unique<ChildProcess>(argv, cluster().dir + "/" + ns() + "-" + name + ".log");
  return replica;
}

nlohmann::json SampleOperatorTest::widget(const std::string& name,
                                          const nlohmann::json& data) const {
  return {{"apiVersion", "test.kiln.dev/v1"},
          {"kind", "Widget"},
          {"metadata", {{"name", name}, {"namespace", ns()}}},
          {"spec", {{"data", data}}}};
}

}  // namespace kiln::testing
