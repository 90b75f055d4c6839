// The build Job and its context ConfigMap, field by field.

#include "reconcilers/environment/build_job.hpp"

#include <gtest/gtest.h>

namespace kiln::reconcilers::environment {
namespace {

const std::string kTag = "kiln-" + std::string(40, 'e');

BuildContext context() {
  BuildContext c;
  c.files = {{"Dockerfile", "FROM x\n"}, {"kiln/requirements.txt", "numpy\n"}};
  return c;
}

TEST(BuildJob, IsNamedAfterTheContentSoCreatingItIsTheLock) {
  const std::string repo = "reg:5000/envs/ns/a";
  EXPECT_EQ(build_job_name(repo, kTag), build_job_name(repo, kTag));
  EXPECT_NE(build_job_name(repo, kTag), build_job_name("reg:5000/other", kTag));
  EXPECT_NE(build_job_name(repo, kTag), build_job_name(repo, "kiln-" + std::string(40, 'f')));
  EXPECT_EQ(build_job_name(repo, kTag).size(), 51u);
  BuildJobOptions options;
  auto a = build_job(kTag, context(), "reg:5000/envs/ns/a", std::nullopt, options);
  EXPECT_EQ(a["metadata"]["name"], build_job_name(repo, kTag));
  EXPECT_EQ(a["metadata"]["namespace"], "kiln-system");
  EXPECT_FALSE(a["metadata"].contains("ownerReferences"))
      << "no Environment owns the Job: deleting one never cancels another's build";
}

TEST(BuildJob, SpecFieldByField) {
  BuildJobOptions options;
  options.namespace_ = "kiln";
  options.builder_image = "localhost:5000/kaniko/executor:v1.25.0";
  options.push_secret = "push";
  api::BuildSettings build;
  build.timeout_seconds = 1800;
  build.resources = api::ResourceRequirements{{{"cpu", "250m"}}, {{"memory", "2Gi"}}};
  auto job = build_job(kTag, context(), "reg:5000/envs/ns/a", build, options);
  const auto& spec = job["spec"];
  EXPECT_EQ(spec["backoffLimit"], 1);
  EXPECT_EQ(spec["activeDeadlineSeconds"], 1800);
  EXPECT_EQ(spec["ttlSecondsAfterFinished"], 3600);
  EXPECT_EQ(job["metadata"]["labels"][kBuildTagLabel], kTag);
  EXPECT_EQ(job["metadata"]["annotations"][kImageAnnotation], "reg:5000/envs/ns/a:" + kTag);
  const auto& pod = spec["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"], "Never");
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  const auto& c = pod["containers"][0];
  EXPECT_EQ(c["image"], "localhost:5000/kaniko/executor:v1.25.0");
  EXPECT_EQ(c["resources"],
            nlohmann::json({{"requests", {{"cpu", "250m"}}}, {"limits", {{"memory", "2Gi"}}}}));
  EXPECT_EQ(c["terminationMessagePolicy"], "FallbackToLogsOnError");
  auto args = c["args"].get<std::vector<std::string>>();
  auto has = [&](const std::string& arg) {
    return std::find(args.begin(), args.end(), arg) != args.end();
  };
  EXPECT_TRUE(has("--context=dir:///workspace"));
  EXPECT_TRUE(has("--dockerfile=/workspace/Dockerfile"));
  EXPECT_TRUE(has("--destination=reg:5000/envs/ns/a:" + kTag));
  EXPECT_TRUE(has("--digest-file=/dev/termination-log"));
  EXPECT_TRUE(has("--cache=true"));
  EXPECT_TRUE(has("--cache-repo=reg:5000/envs/ns/a/cache"));
  EXPECT_FALSE(has("--insecure"));
  const auto& volumes = pod["volumes"];
  EXPECT_EQ(volumes[0]["configMap"]["name"], build_job_name("reg:5000/envs/ns/a", kTag));
  EXPECT_EQ(volumes[0]["configMap"]["items"],
            nlohmann::json::parse(R"([{"key":"f0","path":"Dockerfile"},
                                      {"key":"f1","path":"kiln/requirements.txt"}])"));
  EXPECT_EQ(volumes[1]["secret"]["secretName"], "push");
  EXPECT_EQ(volumes[1]["secret"]["items"][0]["path"], "config.json");
  EXPECT_EQ(c["volumeMounts"][1]["mountPath"], "/kaniko/.docker");
}

TEST(BuildJob, DefaultsWithoutBuildSettings) {
  auto job = build_job(kTag, context(), "r/x", std::nullopt, BuildJobOptions{});
  EXPECT_EQ(job["spec"]["activeDeadlineSeconds"], 3600);
  EXPECT_EQ(job["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"],
            "4Gi");
}

TEST(BuildJob, NodeSelectorPlacesBuildsOnBuilderNodes) {
  auto job = build_job(kTag, context(), "r/x", std::nullopt, BuildJobOptions{});
  EXPECT_FALSE(job["spec"]["template"]["spec"].contains("nodeSelector"));
  BuildJobOptions options;
  options.placement.node_selector = {{"kiln.dev/builder", "true"}};
  job = build_job(kTag, context(), "r/x", std::nullopt, options);
  EXPECT_EQ(job["spec"]["template"]["spec"]["nodeSelector"],
            nlohmann::json({{"kiln.dev/builder", "true"}}));
  // Where it runs is not what it builds: the name (the lock) stays.
  EXPECT_EQ(job["metadata"]["name"], build_job_name("r/x", kTag));
}

TEST(BuildJob, ConfigMapHoldsTheContextUnderFlatKeys) {
  auto cm = build_context_config_map("r/x", kTag, context(), BuildJobOptions{});
  EXPECT_EQ(cm["metadata"]["name"], build_job_name("r/x", kTag));
  EXPECT_EQ(cm["data"]["f0"], "FROM x\n");
  EXPECT_EQ(cm["data"]["f1"], "numpy\n");
}

TEST(BuildJob, ContextTooLargeForAConfigMapIsAClearError) {
  EXPECT_EQ(context_too_large(context()), "");
  BuildContext big = context();
  big.files["app/model.pkl"] = std::string(2'000'000, 'x');
  EXPECT_NE(context_too_large(big).find("ConfigMap holds at most"), std::string::npos);
}

}  // namespace
}  // namespace kiln::reconcilers::environment
