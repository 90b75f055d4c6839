// kiln render without a cluster: byte-stable, placeholders exactly where the
// cluster decides (digests, keys, uids), clear errors naming file and field.

#include "cli/render.hpp"

#include <gtest/gtest.h>

#include "cli/output_format.hpp"
#include "cli/placeholders.hpp"
#include "tests/unit/cli/temp_dir.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;

const char* kResources = R"(apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: diabetes
spec:
  source:
    uri: https://example.com/model.pkl
---
apiVersion: kiln.dev/v1alpha1
kind: Environment
metadata:
  name: env
spec:
  python:
    pip: [scikit-learn]
---
apiVersion: kiln.dev/v1alpha1
kind: InferenceService
metadata:
  name: svc
spec:
  models: [{name: diabetes}]
  environmentRef: {name: env}
  inferenceConfig:
    source:
      inline: "def run(x):\n    return x\n"
  target: cluster
)";

OperatorSettings settings() {
  OperatorSettings s;
  s.registry = "registry.kiln-system:5000";
  return s;
}

std::vector<std::string> kinds(const RenderOutput& out) {
  std::vector<std::string> k;
  for (const auto& o : out.objects) k.push_back(o["kind"]);
  return k;
}

TEST(Render, ChildrenAndBuildInOrderAndByteStable) {
  auto docs = parse_documents(kResources, "all.yaml");
  auto out = render(docs, settings());
  EXPECT_EQ(kinds(out), (std::vector<std::string>{
                            "Job", "ConfigMap", "ConfigMap", "Secret", "Service", "Deployment",
                            "HorizontalPodAutoscaler", "PodDisruptionBudget"}));
  const std::string text = format_objects(out.objects, OutputFormat::yaml);
  EXPECT_EQ(format_objects(render(parse_documents(kResources, "all.yaml"), settings()).objects,
                           OutputFormat::yaml),
            text);
  // The Environment has no baseImage: its tag is known; only its digest is not.
  const json& job = out.objects[0];
  EXPECT_FALSE(has_placeholder(job["metadata"]["name"].get<std::string>()));
  EXPECT_EQ(job["metadata"]["namespace"], "kiln-system");
  std::vector<std::string> where;
  collect_placeholders(job, "", where);
  EXPECT_TRUE(where.empty()) << ::testing::PrintToString(where);
  // The Deployment's image and model volume are placeholders, nothing else in its spec.
  const json& deployment = out.objects[5];
  where.clear();
  collect_placeholders(deployment["spec"], "/spec", where);
  for (const auto& p : where) {
    EXPECT_NE(p.find("image"), std::string::npos) << p;
  }
  EXPECT_FALSE(where.empty());
  // Keys are never invented.
  const json& secret = out.objects[3];
  EXPECT_TRUE(has_placeholder(secret["data"]["primaryKey"].get<std::string>()));
}

TEST(Render, DefaultNamespaceAndNoBuilds) {
  auto s = settings();
  s.default_namespace = "team-a";
  s.builds = false;
  auto out = render(parse_documents(kResources, "all.yaml"), s);
  for (const auto& o : out.objects) {
    EXPECT_NE(o["kind"], "Job");
    EXPECT_EQ(o["metadata"]["namespace"], "team-a") << o["kind"];
  }
}

TEST(Render, ErrorsNameTheFileAndField) {
  auto bad_field = std::string(kResources) + "  replicas: -1\n";
  try {
    render(parse_documents(bad_field, "svc.yaml"), settings());
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("svc.yaml#3"), std::string::npos) << m;
    EXPECT_NE(m.find("spec.replicas"), std::string::npos) << m;
  }
  try {
    render(parse_documents("apiVersion: kiln.dev/v1alpha1\nkind: Model\nmetadata: {name: m}\n"
                           "spec: {source: {uri: 7}}\n",
                           "model.yaml"),
           settings());
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("model.yaml"), std::string::npos) << m;
    EXPECT_NE(m.find("uri"), std::string::npos) << m;
  }
  EXPECT_THROW(parse_documents("a: [", "broken.yaml"), std::runtime_error);
  // The seeds' python=3.6.2 is refused as the operator refuses it.
  try {
    render(parse_documents("apiVersion: kiln.dev/v1alpha1\nkind: Environment\nmetadata: {name: e}\n"
                           "spec: {baseImage: x/y, python: {condaDependencies: {dependencies: "
                           "[python=3.6.2]}}}\n",
                           "env.yaml"),
           settings());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("3.6.2"), std::string::npos) << e.what();
  }
}

TEST(Render, ReadsDirectoriesInNameOrder) {
  test::TempDir dir;
  dir.write("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
  dir.write("a.json", R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})");
  dir.write("notes.txt", "ignored");
  auto docs = read_documents({dir.path().string()});
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].object["metadata"]["name"], "a");
  EXPECT_THROW(read_documents({(dir.path() / "missing.yaml").string()}), std::runtime_error);
}

}  // namespace
}  // namespace kiln::cli
