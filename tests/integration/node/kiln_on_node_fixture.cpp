#include "tests/integration/node/kiln_on_node_fixture.hpp"

#include <curl/curl.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace kiln::testing {

using nlohmann::json;
using namespace std::chrono_literals;

const std::map<std::string, std::string>& kiln_images() {
  static const std::map<std::string, std::string> images = [] {
    const std::string dir = Cluster::shared().dir;
    const std::string file = dir + "/kiln-images.env";
    // One build per cluster, whichever test asks first (flock: ctest -j).
    // build.sh's summary (sizes, built or cached, seconds) goes to the test's output.
    auto r = run_command({"flock", file + ".lock", "sh", "-c",
                          "test -s \"$1\" || { \"$2\" --cluster-dir \"$3\" --build-dir \"$4\" "
                          ">\"$1.tmp\" 2>\"$1.log\" && mv \"$1.tmp\" \"$1\" && "
                          "grep '^images: ' \"$1.log\"; } || { cat \"$1.log\"; exit 1; }",
                          "sh", file, std::string(KILN_SOURCE_DIR) + "/packaging/images/build.sh",
                          dir, KILN_BUILD_DIR});
    if (r.exit_code != 0)
      throw std::runtime_error("packaging/images/build.sh failed:\n" + r.output);
    std::cout << r.output;
    std::map<std::string, std::string> out;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      const auto equals = line.find('=');
      if (line.rfind("KILN_IMAGE_", 0) == 0 && equals != std::string::npos) {
        out[line.substr(11, equals - 11)] = line.substr(equals + 1);
      }
    }
    return out;
  }();
  return images;
}

void KilnOnNodeTest::SetUp() {
  RealNodeTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  auto r = kubectl({"apply", "--server-side", "--field-manager=kiln-tests", "-f", KILN_CRD_DIR});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = kubectl({"wait", "--for=condition=Established", "crd/models.kiln.dev",
               "crd/environments.kiln.dev", "crd/inferenceservices.kiln.dev", "--timeout=60s"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(eventually([&] {
    return kubectl({"get", "models.kiln.dev,environments.kiln.dev,inferenceservices.kiln.dev"})
               .exit_code == 0;
  }));
  ASSERT_NO_THROW(kiln_images());
  // The push credentials the operator hands to its Jobs: the node's registry needs none.
  apply(R"(
apiVersion: v1
kind: Secret
metadata: {name: kiln-registry-push}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{"auths": {}}'
)");
}

void KilnOnNodeTest::TearDown() {
  if (operator_) {
    EXPECT_TRUE(operator_->running()) << "kiln-operator crashed:\n" << operator_->log();
    operator_->signal(SIGTERM);
    EXPECT_EQ(operator_->wait_for_exit(20s), 0) << operator_->log();
  }
  RealNodeTest::TearDown();
  for (const auto& pv : persistent_volumes_) {
    kubectl({"delete", "pv", pv, "--ignore-not-found", "--wait=false"});
  }
  if (!host_dir_.empty()) std::filesystem::remove_all(host_dir_);
}

const std::string& KilnOnNodeTest::image(const std::string& name) const {
  return kiln_images().at(name);
}

void KilnOnNodeTest::start_operator(const std::vector<std::string>& extra) {
  const std::string registry_host = registry();
  std::vector<std::string> argv = {KILN_OPERATOR,
                                   "--kubeconfig",
                                   cluster().var("KUBECONFIG"),
                                   "--namespace",
                                   ns(),
                                   "--system-namespace",
                                   ns(),
                                   "--no-leader-elect",
                                   "--health-probe-bind-address",
                                   "127.0.0.1:" + std::to_string(free_port()),
                                   "--metrics-bind-address",
                                   "0",
                                   "--registry",
                                   registry_host,
                                   "--registry-plain-http",
                                   "--registry-secret",
                                   ns() + "/kiln-registry-push",
                                   "--fetch-image",
                                   image("FETCH"),
                                   "--builder-image",
                                   cluster().var("KILN_IMAGE_KANIKO"),
                                   "--runtime-image",
                                   image("RUNTIME"),
                                   "--serve-wheels-image",
                                   image("SERVE_WHEELS"),
                                   "--pip-index-url",
                                   cluster().var("KILN_PYPI_INDEX"),
                                   "--job-node-selector",
                                   "kiln.dev/real-node=true",
                                   "--job-toleration",
                                   "kiln.dev/real-node=true:NoSchedule",
                                   "--log-level",
                                   "debug"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  operator_ = std::make_unique<ChildProcess>(argv, "/tmp/kiln-operator-node-" + ns() + ".log");
}

void KilnOnNodeTest::create_host_pvc(const std::string& claim, const std::string& host_dir) {
  std::filesystem::create_directories(host_dir);
  std::filesystem::permissions(host_dir, std::filesystem::perms(0755));
  const std::string pv = ns() + "-" + claim;
  persistent_volumes_.push_back(pv);
  apply(json{{"apiVersion", "v1"},
             {"kind", "PersistentVolume"},
             {"metadata", {{"name", pv}}},
             {"spec",
              {{"capacity", {{"storage", "1Gi"}}},
               {"accessModes", {"ReadOnlyMany"}},
               {"persistentVolumeReclaimPolicy", "Retain"},
               {"storageClassName", ""},
               {"claimRef", {{"namespace", ns()}, {"name", claim}}},
               {"hostPath", {{"path", host_dir}, {"type", "Directory"}}}}}}
            .dump());
  apply(json{{"apiVersion", "v1"},
             {"kind", "PersistentVolumeClaim"},
             {"metadata", {{"name", claim}}},
             {"spec",
              {{"accessModes", {"ReadOnlyMany"}},
               {"storageClassName", ""},
               {"volumeName", pv},
               {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}}
            .dump());
}

void KilnOnNodeTest::write_seed_model(const std::string& dir, bool compressed) const {
  const char* venv = std::getenv("KILN_VENV");
  const std::string python =
      (venv ? std::string(venv) : std::string(std::getenv("HOME")) + "/.cache/kiln/venv") +
      "/bin/python";
  const std::string path = dir + "/sklearn_regression_model.pkl";
  auto r = run_command(
      {python, std::string(KILN_SOURCE_DIR) + "/server/examples/diabetes/train.py", dir});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  if (compressed) {
    r = run_command({python, "-c",
                     "import joblib, sys; joblib.dump(joblib.load(sys.argv[1]), sys.argv[1], "
                     "compress=3)",
                     path});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::filesystem::permissions(path, std::filesystem::perms(0644));
}

bool KilnOnNodeTest::wait_condition(const std::string& kind, const std::string& name,
                                    const std::string& type, std::chrono::seconds timeout) {
  auto r = kubectl({"wait", "--for=condition=" + type, kind + "/" + name,
                    "--timeout=" + std::to_string(timeout.count()) + "s"});
  if (r.exit_code == 0) return true;
  ADD_FAILURE() << kind << "/" << name << " not " << type << ": " << r.output
                << kubectl({"get", kind, name, "-o", "yaml"}).output
                << "\nkiln-operator's log (tail):\n"
                << [&] {
                     auto log = operator_log();
                     return log.size() > 6000 ? log.substr(log.size() - 6000) : log;
                   }();
  return false;
}

namespace {

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

KilnOnNodeTest::Answer KilnOnNodeTest::score(const std::string& url, const std::string& key,
                                             const std::string& body) {
  Answer answer;
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + key).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  if (const auto code = curl_easy_perform(curl); code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  } else {
    answer.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return answer;
}

}  // namespace kiln::testing
