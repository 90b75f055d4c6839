// `kiln render` equals what kiln-operator applies: the operator (a real
// process, its InferenceService controller) reconciles resources on the real
// control plane; the children it applied are read back and compared field by
// field with `kiln render` of the same files. Placeholders ("<kiln:...>") are
// the only fields left out, and the test checks which fields those are.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/integration/cli/field_compare.hpp"
#include "tests/integration/inference_service/inference_service_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

class RenderClusterTest : public InferenceServiceTest {
 protected:
  void SetUp() override {
    InferenceServiceTest::SetUp();
    dir_ = fs::temp_directory_path() / ("kiln-render-" + ns());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    InferenceServiceTest::TearDown();
  }

  void write(const std::string& name, const json& object) {
    std::ofstream(dir_ / name) << object.dump(2);
  }

  // `kiln render -f <dir> -n <ns> -o json`: the objects printed on stdout.
  std::vector<json> render() {
    const std::string out = (dir_ / "rendered.out").string();
    const std::string command = std::string(KILN_CLI) + " render -o json -n " + ns() + " -f " +
                                (dir_ / "in").string() + " >" + out;
    auto r = run_command({"sh", "-c", command});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::ifstream in(out);
    json printed = json::parse(in);
    if (printed.value("kind", "") == "List") return printed["items"].get<std::vector<json>>();
    return {printed};
  }

  // The spec kiln-operator gets and kiln render reads: cluster target with
  // autoscaling (HPA, PDB), key auth (Secret), a script ConfigMap, two models.
  json service_spec() {
    return {{"models", {{{"name", "diabetes"}, {"version", 2}}, {{"name", "scaler"}}}},
            {"environmentRef", {{"name", "sklearn-env"}}},
            {"inferenceConfig",
             {{"entryScript", "score.py"}, {"source", {{"configMap", {{"name", "scripts"}}}}}}},
            {"target", "cluster"},
            {"autoscaling", {{"minReplicas", 2}, {"maxReplicas", 5}, {"targetUtilization", 60}}},
            {"auth", {{"enabled", true}}},
            {"scoringTimeoutMs", 30000},
            {"workers", 2},
            {"resources",
             {{"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}},
              {"limits", {{"cpu", "2"}, {"memory", "2Gi"}}}}},
            {"env", {{{"name", "LOG_LEVEL"}, {"value", "info"}}}},
            {"tolerations",
             {{{"key", "dedicated"},
               {"operator", "Equal"},
               {"value", "inference"},
               {"effect", "NoSchedule"}}}}};
  }

  json script_config_map() {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", "scripts"}}},
            {"data", {{"score.py", "def init():\n    pass\n\ndef run(data):\n    return data\n"}}}};
  }

  // Applies the resources, lets the operator make the service Ready.
  void deploy() {
    apply(script_config_map().dump());
    create_model("diabetes", 3);
    create_model("scaler", 1);
    create_environment("sklearn-env");
    apply_service("svc", service_spec());
    start_operator();
    ASSERT_TRUE(wait_ready("svc", 120s)) << service("svc").dump(2) << operator_log();
  }

  // Compares every rendered object with the one in the cluster; returns the
  // placeholder fields as "Kind/pointer".
  std::set<std::string> compare_with_cluster(const std::vector<json>& rendered) {
    std::set<std::string> placeholders;
    std::set<std::string> rendered_children;
    for (const auto& object : rendered) {
      const std::string kind = object.value("kind", "");
      const std::string name = object["metadata"].value("name", "");
      EXPECT_EQ(object["metadata"].value("namespace", ""), ns()) << kind << " " << name;
      rendered_children.insert(kind + "/" + name);
      auto applied = kubectl({"get", kind, name, "-o", "json"});
      EXPECT_EQ(applied.exit_code, 0) << kind << " " << name << ": " << applied.output;
      if (applied.exit_code != 0) continue;
      std::vector<std::string> differences;
      std::set<std::string> found;
      compare(object, json::parse(applied.output), "", differences, found);
      for (const auto& p : found) placeholders.insert(kind + p);
      EXPECT_TRUE(differences.empty()) << kind << " " << name << ":\n"
                                       << ::testing::PrintToString(differences);
    }
    // Nothing the operator made is missing from the rendering.
    std::set<std::string> applied_children;
    for (const char* kind :
         {"deployment", "service", "horizontalpodautoscaler", "poddisruptionbudget", "secret"}) {
      for (const auto& o :
           get_json({kind, "-l", "kiln.dev/inference-service=svc"}).value("items", json::array())) {
        applied_children.insert(o.value("kind", "") + "/" + o["metadata"].value("name", ""));
      }
    }
    EXPECT_EQ(rendered_children, applied_children);
    return placeholders;
  }

  fs::path dir_;
};

TEST_F(RenderClusterTest, RenderWithObservedStatusEqualsWhatTheOperatorApplied) {
  deploy();
  if (HasFatalFailure()) return;
  // The user's files plus the Model and Environment as the cluster holds them
  // (kubectl get -o json: with status), so digests are known.
  fs::create_directories(dir_ / "in");
  std::ofstream(dir_ / "in" / "service.json") << json{
      {"apiVersion", "kiln.dev/v1alpha1"},
      {"kind", "InferenceService"},
      {"metadata", {{"name", "svc"}}},
      {"spec", service_spec()}}.dump(2);
  std::ofstream(dir_ / "in" / "scripts.json") << script_config_map().dump(2);
  std::ofstream(dir_ / "in" / "models.json") << get_json({"models", "diabetes"}).dump(2) << "\n"
                                             << get_json({"models", "scaler"}).dump(2);
  std::ofstream(dir_ / "in" / "env.json") << get_json({"environment", "sklearn-env"}).dump(2);

  auto rendered = render();
  ASSERT_EQ(rendered.size(), 5u);  // Secret, Service, Deployment, HPA, PDB (Environment built)
  auto placeholders = compare_with_cluster(rendered);
  // Only the generated keys and the owner's uid were unknown.
  EXPECT_EQ(placeholders, (std::set<std::string>{
                              "Secret/data/primaryKey",
                              "Secret/data/secondaryKey",
                              "Secret/metadata/ownerReferences/0/uid",
                              "Service/metadata/ownerReferences/0/uid",
                              "Deployment/metadata/ownerReferences/0/uid",
                              "HorizontalPodAutoscaler/metadata/ownerReferences/0/uid",
                              "PodDisruptionBudget/metadata/ownerReferences/0/uid",
                          }));
}

TEST_F(RenderClusterTest, RenderOfSourceFilesDiffersOnlyInPlaceholders) {
  deploy();
  if (HasFatalFailure()) return;
  // Only what a user keeps in Git: no status anywhere.
  fs::create_directories(dir_ / "in");
  std::ofstream(dir_ / "in" / "all.yaml")
      << json{{"apiVersion", "kiln.dev/v1alpha1"},
              {"kind", "InferenceService"},
              {"metadata", {{"name", "svc"}}},
              {"spec", service_spec()}}
             .dump()
      << "\n---\n"
      << script_config_map().dump() << "\n---\n"
      << json{{"apiVersion", "kiln.dev/v1alpha1"},
              {"kind", "Model"},
              {"metadata", {{"name", "diabetes"}}},
              {"spec", {{"source", {{"uri", "https://models.example.com/diabetes.pkl"}}}}}}
             .dump()
      << "\n";
  auto rendered = render();
  std::vector<json> children;
  for (auto& o : rendered) {
    if (o.value("kind", "") != "Job" && o.value("kind", "") != "ConfigMap") children.push_back(o);
  }
  ASSERT_EQ(children.size(), 5u);
  auto placeholders = compare_with_cluster(children);
  // The model images (by digest) and the Environment's image are placeholders now.
  EXPECT_TRUE(placeholders.count("Deployment/spec/template/spec/containers/0/image"))
      << ::testing::PrintToString(placeholders);
  EXPECT_TRUE(placeholders.count("Deployment/spec/template/spec/volumes/0/image/reference") ||
              placeholders.count("Deployment/spec/template/spec/volumes/1/image/reference"))
      << ::testing::PrintToString(placeholders);
  for (const auto& p : placeholders) {
    const bool expected = p.find("/uid") != std::string::npos || p.find("Secret/data/") == 0 ||
                          p.find("/image") != std::string::npos;
    EXPECT_TRUE(expected) << "unexpected placeholder at " << p;
  }
}

}  // namespace
}  // namespace kiln::testing
