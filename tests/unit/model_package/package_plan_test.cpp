// plan_package: what a ModelPackage packages, or the first problem and whether
// waiting can fix it.

#include "reconcilers/model_package/package_plan.hpp"

#include <gtest/gtest.h>

namespace kiln::reconcilers::model_package {
namespace {

using nlohmann::json;

constexpr const char* kEnvImage = "reg:5000/kiln/environments@sha256:aaaa";

api::ModelPackage package(const json& spec) {
  auto p = json{
      {"apiVersion", "kiln.dev/v1alpha1"},
      {"kind", "ModelPackage"},
      {"metadata", {{"name", "pkg"}, {"namespace", "ns"}, {"generation", 1}}},
      {"spec",
       spec}}.get<api::ModelPackage>();
  api::apply_defaults(p);
  return p;
}

json inline_spec() {
  return {{"models", {{{"name", "diabetes"}}}},
          {"environmentRef", {{"name", "sklearn"}}},
          {"inferenceConfig", {{"source", {{"inline", "def init(): pass\n"}}}}}};
}

api::Environment environment(api::BuildPhase phase, std::int64_t observed = 1) {
  api::Environment e;
  e.metadata = {{"name", "sklearn"}, {"namespace", "ns"}, {"generation", 1}};
  e.status.phase = phase;
  e.status.observed_generation = observed;
  if (phase == api::BuildPhase::ready) e.status.image = kEnvImage;
  return e;
}

inference_service::ModelsByName registered() {
  api::Model m;
  m.metadata = {{"name", "diabetes"}, {"namespace", "ns"}};
  m.status.version = 2;
  m.status.digest = "sha256:bbbb";
  m.status.image = "reg:5000/models/ns/diabetes@sha256:bbbb";
  return {{"diabetes", m}};
}

TEST(PackagePlan, ReadyInputsGiveTheImageModelsAndScript) {
  auto plan = plan_package(package(inline_spec()), environment(api::BuildPhase::ready),
                           registered(), std::nullopt, "reg:5000");
  ASSERT_TRUE(std::holds_alternative<PackagePlan>(plan));
  const auto& p = std::get<PackagePlan>(plan);
  EXPECT_EQ(p.environment_image, kEnvImage);
  ASSERT_EQ(p.models.size(), 1u);
  EXPECT_EQ(p.models[0].name, "diabetes");
  EXPECT_EQ(p.models[0].version, 2);
  EXPECT_EQ(p.models[0].image, "reg:5000/models/ns/diabetes@sha256:bbbb");
  EXPECT_EQ(p.model_versions[0].digest, "sha256:bbbb");
  EXPECT_EQ(p.sources.entry_script, "score.py");
  EXPECT_EQ(p.sources.files.at("score.py"), "def init(): pass\n");
  EXPECT_EQ(p.repository, "reg:5000/kiln/packages");
}

TEST(PackagePlan, OutputRepositoryOverridesTheDefault) {
  auto spec = inline_spec();
  spec["output"] = {{"repository", "other:443/team/serving"}};
  auto plan = plan_package(package(spec), environment(api::BuildPhase::ready), registered(),
                           std::nullopt, "reg:5000");
  ASSERT_TRUE(std::holds_alternative<PackagePlan>(plan));
  EXPECT_EQ(std::get<PackagePlan>(plan).repository, "other:443/team/serving");
}

PackageProblem problem_of(const std::variant<PackagePlan, PackageProblem>& plan) {
  EXPECT_TRUE(std::holds_alternative<PackageProblem>(plan));
  return std::holds_alternative<PackageProblem>(plan) ? std::get<PackageProblem>(plan)
                                                      : PackageProblem{};
}

TEST(PackagePlan, WaitsForTheEnvironmentOfTheCurrentGeneration) {
  auto p = package(inline_spec());
  auto problem = problem_of(plan_package(p, std::nullopt, registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.condition, kEnvironmentReady);
  EXPECT_EQ(problem.reason, "EnvironmentNotFound");
  EXPECT_TRUE(problem.waiting);
  problem = problem_of(
      plan_package(p, environment(api::BuildPhase::building), registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "EnvironmentBuilding");
  EXPECT_TRUE(problem.waiting);
  // Ready, but for an older generation: its image is not the current spec's.
  problem = problem_of(
      plan_package(p, environment(api::BuildPhase::ready, 0), registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "EnvironmentBuilding");
  auto failed = environment(api::BuildPhase::failed);
  failed.status.conditions = json::array({{{"type", "Ready"},
                                           {"status", "False"},
                                           {"reason", "PackageNotFound"},
                                           {"message", "pip x"}}});
  problem = problem_of(plan_package(p, failed, registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "EnvironmentBuildFailed");
  EXPECT_NE(problem.message.find("pip x"), std::string::npos);
}

TEST(PackagePlan, WaitsForModels) {
  auto p = package(inline_spec());
  auto problem =
      problem_of(plan_package(p, environment(api::BuildPhase::ready), {}, std::nullopt, "r"));
  EXPECT_EQ(problem.condition, kModelsResolved);
  EXPECT_EQ(problem.reason, "ModelNotFound");
  EXPECT_TRUE(problem.waiting);
  auto models = registered();
  models["diabetes"].status = {};
  problem =
      problem_of(plan_package(p, environment(api::BuildPhase::ready), models, std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "ModelNotRegistered");
  auto spec = inline_spec();
  spec["models"][0]["version"] = 7;
  problem = problem_of(plan_package(package(spec), environment(api::BuildPhase::ready),
                                    registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "ModelVersionNotFound");
}

TEST(PackagePlan, SourcesFromAConfigMap) {
  auto spec = inline_spec();
  spec["inferenceConfig"] = {{"entryScript", "main.py"},
                             {"source", {{"configMap", {{"name", "src"}}}}}};
  auto p = package(spec);
  auto problem = problem_of(
      plan_package(p, environment(api::BuildPhase::ready), registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "ScriptConfigMapNotFound");
  EXPECT_TRUE(problem.waiting);
  json cm = {{"data", {{"main.py", "def run(d): return d\n"}, {"labels.txt", "a\nb\n"}}}};
  auto plan = plan_package(p, environment(api::BuildPhase::ready), registered(), cm, "r");
  ASSERT_TRUE(std::holds_alternative<PackagePlan>(plan));
  const auto& sources = std::get<PackagePlan>(plan).sources;
  EXPECT_EQ(sources.entry_script, "main.py");
  EXPECT_EQ(sources.files.size(), 2u);
  EXPECT_EQ(sources.files.at("labels.txt"), "a\nb\n");
  cm["binaryData"] = {{"weights.bin", "AAAA"}};
  problem = problem_of(plan_package(p, environment(api::BuildPhase::ready), registered(), cm, "r"));
  EXPECT_EQ(problem.reason, "ScriptSourceUnsupported");
  EXPECT_FALSE(problem.waiting);
}

TEST(PackagePlan, RefusesWhatIsNotBuiltInTheClusterYet) {
  auto spec = inline_spec();
  spec["inferenceConfig"]["source"] = {{"uri", "https://example.com/src.tar.gz"}};
  auto problem = problem_of(plan_package(package(spec), environment(api::BuildPhase::ready),
                                         registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "ScriptSourceUnsupported");
  EXPECT_FALSE(problem.waiting);
  spec = inline_spec();
  spec["output"] = {{"format", "DockerContext"}, {"pvc", {{"claimName", "contexts"}}}};
  problem = problem_of(plan_package(package(spec), environment(api::BuildPhase::ready),
                                    registered(), std::nullopt, "r"));
  EXPECT_EQ(problem.reason, "OutputNotSupported");
  EXPECT_FALSE(problem.waiting);
}

TEST(PackagePlan, DockerContextGoesToTheContextRepository) {
  auto spec = inline_spec();
  spec["output"] = {{"format", "DockerContext"}};
  auto plan = plan_package(package(spec), environment(api::BuildPhase::ready), registered(),
                           std::nullopt, "reg:5000");
  ASSERT_TRUE(std::holds_alternative<PackagePlan>(plan));
  EXPECT_EQ(std::get<PackagePlan>(plan).format, api::PackageFormat::docker_context);
  EXPECT_EQ(std::get<PackagePlan>(plan).repository, "reg:5000/kiln/package-contexts");
}

}  // namespace
}  // namespace kiln::reconcilers::model_package
