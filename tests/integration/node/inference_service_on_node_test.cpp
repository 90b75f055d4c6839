// Issues 10 and 11 end to end on the real node: the seeds' diabetes model
// (registered by kiln-fetch) served by kiln-serve from an Environment image
// the operator built with kaniko, through the InferenceService's Service with
// its generated key; a new Model version rolls out under a client that never
// stops scoring; a second replica fetches no model byte; delete leaves nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/node/kiln_on_node_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using InferenceServiceOnNodeTest = KilnOnNodeTest;

bool seeds_answer(const std::string& body) {
  try {
    auto answer = json::parse(body);
    return answer.is_array() && answer.size() == 2 &&
           std::abs(answer[0].get<double>() - 6039.662148590993) < 1e-6 &&
           std::abs(answer[1].get<double>() - 4042.2641538773187) < 1e-6;
  } catch (const std::exception&) {
    return false;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST_F(InferenceServiceOnNodeTest, ServesRollsOutWithoutFailuresScalesAndDeletes) {
  host_dir_ = "/tmp/kiln-node-" + ns();
  create_host_pvc("model-store", host_dir_);
  write_seed_model(host_dir_);
  start_operator();

  apply(R"(
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata: {name: diabetes}
spec:
  source: {uri: pvc://model-store/sklearn_regression_model.pkl}
  format: pickle
  framework: scikit-learn
---
apiVersion: kiln.dev/v1alpha1
kind: Environment
metadata: {name: sklearn}
spec:
  python:
    pip: ["scikit-learn==1.9.1"]
)");
  json script = {{"apiVersion", "v1"},
                 {"kind", "ConfigMap"},
                 {"metadata", {{"name", "diabetes-score"}}},
                 {"data",
                  {{"score.py", read_file(std::string(KILN_SOURCE_DIR) +
                                          "/server/examples/diabetes/score.py")}}}};
  apply(script.dump());
  apply(R"(
apiVersion: kiln.dev/v1alpha1
kind: InferenceService
metadata: {name: diabetes}
spec:
  models: [{name: diabetes}]
  environmentRef: {name: sklearn}
  inferenceConfig:
    entryScript: score.py
    source: {configMap: {name: diabetes-score}}
  target: cluster
  replicas: 1
  auth: {enabled: true}
  resources: {requests: {cpu: 100m, memory: 256Mi}}
  nodeSelector: {kiln.dev/real-node: "true"}
  tolerations: [{key: kiln.dev/real-node, operator: Equal, value: "true", effect: NoSchedule}]
)");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_condition("model", "diabetes", "Ready", 300s));
  ASSERT_TRUE(wait_condition("environment", "sklearn", "Ready", 900s));
  ASSERT_TRUE(wait_condition("inferenceservice", "diabetes", "Ready", 300s))
      << describe("deployment/diabetes") << kubectl({"get", "pods", "-o", "wide"}).output;
  std::cout << "Model, Environment and InferenceService Ready in "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started)
                   .count()
            << " s\n";
  const auto diabetes_pods = get_json({"pods", "-l", "kiln.dev/inference-service=diabetes"});
  for (const auto& pod : diabetes_pods["items"]) {
    EXPECT_EQ(pod["spec"].value("nodeName", ""), node_name());
  }

  // Through the Service, with the generated key: the seeds' numbers.
  const std::string ip =
      kubectl({"get", "service", "diabetes", "-o", "jsonpath={.spec.clusterIP}"}).output;
  const std::string url = "http://" + ip + "/score";
  auto r = host({"sh", "-c",
                 "\"$0\" --kubeconfig \"$1\" -n \"$2\" get secret diabetes-keys -o "
                 "jsonpath='{.data.primaryKey}' | base64 -d",
                 cluster().var("KUBECTL"), cluster().var("KUBECONFIG"), ns()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string key = r.output;
  ASSERT_GE(key.size(), 16u);
  auto answer = score(url, key, kSeedRequest);
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_TRUE(seeds_answer(answer.body)) << answer.body;
  EXPECT_EQ(score(url, "", kSeedRequest).status, 401);
  EXPECT_EQ(score(url, key + "x", kSeedRequest).status, 401);

  // A new Model version (the same model saved compressed: other bytes, same
  // answers) rolls out while a client scores without a pause.
  auto serving_pods = [&] {
    std::set<std::string> names;
    for (const auto& pod :
         get_json({"pods", "-l", "kiln.dev/inference-service=diabetes"})["items"]) {
      names.insert(pod["metadata"]["name"].get<std::string>());
    }
    return names;
  };
  const auto pods_before = serving_pods();
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::string first_failure;
  std::thread client([&] {
    while (!stop) {
      auto a = score(url, key, kSeedRequest);
      if (a.status == 200 && seeds_answer(a.body)) {
        ++ok;
      } else if (failed++ == 0) {
        first_failure = std::to_string(a.status) + " " + a.body + a.error;
      }
      // A steady client (about 60 requests a second), not a flood: at
      // hundreds of new connections a second the host's source ports come
      // round while conntrack still maps them to the old pod.
      std::this_thread::sleep_for(15ms);
    }
  });
  write_seed_model(host_dir_, true);
  kubectl({"annotate", "--overwrite", "model", "diabetes", "kiln.dev/reregister=2"});
  const bool rolled_out = eventually(
      [&] {
        auto isvc = get_json({"inferenceservice", "diabetes"});
        const auto versions = isvc["status"].value("modelVersions", json::array());
        bool ready = false;
        for (const auto& c : isvc["status"].value("conditions", json::array())) {
          if (c.value("type", "") == "Ready") ready = c.value("status", "") == "True";
        }
        return ready && !versions.empty() && versions[0].value("version", 0) == 2;
      },
      300s, 1s);
  std::this_thread::sleep_for(5s);  // the old pod's drain, under load
  stop = true;
  client.join();
  ASSERT_TRUE(rolled_out) << get_json({"inferenceservice", "diabetes"}).dump(2)
                          << get_json({"model", "diabetes"})["status"].dump(2);
  std::cout << "rollout: " << ok << " requests answered, " << failed << " failed\n";
  EXPECT_EQ(failed, 0) << first_failure;
  EXPECT_GT(ok, 20);
  // The new version came by a new pod; the old one is gone.
  for (const auto& name : serving_pods()) EXPECT_EQ(pods_before.count(name), 0u) << name;

  // A second replica on the node fetches no byte of the model's layer.
  auto model = get_json({"model", "diabetes"});
  const std::string repository = "models/" + ns() + "/diabetes";
  r = host({"curl", "-sf", "-H", "Accept: application/vnd.oci.image.manifest.v1+json",
            "http://" + registry() + "/v2/" + repository + "/manifests/" +
                model["status"].value("digest", "")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string layer = json::parse(r.output)["layers"][0]["digest"];
  auto layer_gets = [&] { return blob_fetches(repository, layer); };
  // The first replica fetched it at most once (not at all when an earlier test
  // on this node left the same layer in containerd's content store).
  const int gets_before = layer_gets();
  EXPECT_LE(gets_before, 1);
  kubectl({"patch", "inferenceservice", "diabetes", "--type=merge", "-p",
           R"({"spec":{"replicas":2}})"});
  ASSERT_TRUE(eventually(
      [&] {
        return get_json({"deployment", "diabetes"})["status"].value("readyReplicas", 0) == 2;
      },
      180s, 1s))
      << describe("deployment/diabetes");
  EXPECT_EQ(layer_gets(), gets_before);
  EXPECT_TRUE(seeds_answer(score(url, key, kSeedRequest).body));

  // Delete: the children go with it, and the node runs nothing of it.
  ASSERT_EQ(kubectl({"delete", "inferenceservice", "diabetes", "--wait=true", "--timeout=120s"})
                .exit_code,
            0);
  EXPECT_TRUE(eventually(
      [&] {
        return get_json({"deployments,services,secrets,configmaps,pods", "-l",
                         "kiln.dev/inference-service=diabetes"})["items"]
            .empty();
      },
      120s, 1s))
      << kubectl({"get", "all", "-o", "wide"}).output;
}

}  // namespace
}  // namespace kiln::testing
