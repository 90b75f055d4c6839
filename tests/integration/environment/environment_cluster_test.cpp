// The Environment controller against the real control plane (KWOK) and a real
// registry (Debian's docker-registry, htpasswd auth, TLS).

#include <gtest/gtest.h>

#include <thread>

#include "controllers/environment/environment_controller.hpp"
#include "operator/kube/kubeconfig.hpp"
#include "operator/oci/digest.hpp"
#include "operator/oci/image_manifest.hpp"
#include "reconcilers/environment/content_tag.hpp"
#include "reconcilers/environment/environment_renderer.hpp"
#include "tests/integration/api/kiln_crd_test.hpp"
#include "tests/integration/environment/build_test_support.hpp"
#include "tests/integration/oci/registry_process.hpp"

namespace kiln::testing {
namespace {

using controllers::environment::EnvironmentController;
using controllers::environment::EnvironmentControllerOptions;
namespace env = reconcilers::environment;

class EnvironmentControllerTest : public BuildClusterTest {
 protected:
  void SetUp() override {
    BuildClusterTest::SetUp();
    if (HasFatalFailure()) return;
    registry_ = std::make_unique<RegistryProcess>(RegistryAuth::kBasic, /*tls=*/true);
    config_ = registry_->write_docker_config(kRegistryUser, kRegistryPassword);
    client_ = kube::make_client(kube::load_kubeconfig(cluster().var("KUBECONFIG")));
  }

  EnvironmentControllerOptions options(const std::string& config_path) const {
    EnvironmentControllerOptions o;
    o.registry = oci::RegistryClient::options_for(registry_->host(), config_path,
                                                  registry_->ca_file(), false);
    o.job.namespace_ = ns();  // Kiln's namespace in production; the test's here
    o.job.push_secret = "kiln-registry-push";
    o.base_docker_config = config_;
    o.base_ca_file = registry_->ca_file();
    return o;
  }

  oci::RegistryClient registry_client() const {
    return oci::RegistryClient(
        oci::RegistryClient::options_for(registry_->host(), config_, registry_->ca_file(), false));
  }

  void create_environment(const std::string& name, const std::string& spec_yaml) const {
    apply("apiVersion: kiln.dev/v1alpha1\nkind: Environment\nmetadata:\n  name: " + name +
          "\nspec:\n" + spec_yaml);
  }

  nlohmann::json environment(const std::string& name) const {
    return get_json({"environments.kiln.dev", name});
  }

  std::string ready_reason(const std::string& name) const {
    for (const auto& c :
         environment(name).value("/status/conditions"_json_pointer, nlohmann::json::array())) {
      if (c["type"] == "Ready") return c.value("reason", "") + ": " + c.value("message", "");
    }
    return "";
  }

  nlohmann::json jobs() const { return get_json({"jobs"})["items"]; }

  std::unique_ptr<RegistryProcess> registry_;
  std::string config_;
  std::shared_ptr<kube::RestClient> client_;
};

constexpr const char* kPipSpec = "  python:\n    pip: [\"scikit-learn==1.4.2\"]\n";

TEST_F(EnvironmentControllerTest, MissCreatesExactlyOneJobWithTheExpectedSpec) {
  EnvironmentController controller(client_, options(config_));
  create_environment("sklearn", kPipSpec);
  controller.reconcile(ns(), "sklearn");
  controller.reconcile(ns(), "sklearn");  // level-triggered: a second pass creates nothing
  EXPECT_EQ(controller.jobs_created(), 1);
  auto items = jobs();
  ASSERT_EQ(items.size(), 1u);
  const auto& job = items[0];
  auto status = environment("sklearn")["status"];
  EXPECT_EQ(status["phase"], "Building");
  EXPECT_EQ(status["buildJob"], job["metadata"]["name"]);
  const std::string tag = status["tag"];
  const std::string repository = registry_->host() + "/kiln/environments";
  EXPECT_EQ(job["metadata"]["name"], env::build_job_name(repository, tag));
  EXPECT_EQ(job["metadata"]["labels"]["kiln.dev/build-tag"], tag);
  EXPECT_FALSE(job["metadata"].contains("ownerReferences"));
  EXPECT_EQ(job["spec"]["backoffLimit"], 1);
  EXPECT_EQ(job["spec"]["ttlSecondsAfterFinished"], 3600);
  EXPECT_EQ(job["spec"]["activeDeadlineSeconds"], 3600);
  const auto& pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"], "Never");
  const auto& c = pod["containers"][0];
  EXPECT_EQ(c["image"], "gcr.io/kaniko-project/executor:v1.24.0");
  auto args = c["args"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(args.begin(), args.end(), "--destination=" + repository + ":" + tag),
            args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "--cache-repo=" + repository + "/cache"),
            args.end());
  EXPECT_EQ(c["resources"]["limits"]["memory"], "4Gi");
  EXPECT_EQ(pod["volumes"][1]["secret"]["secretName"], "kiln-registry-push");
  // The context ConfigMap, owned by the Job, holds the rendered Dockerfile.
  auto cm = get_json({"configmap", job["metadata"]["name"].get<std::string>()});
  EXPECT_EQ(cm["metadata"]["ownerReferences"][0]["uid"], job["metadata"]["uid"]);
  EXPECT_NE(cm["data"]["f0"].get<std::string>().find("FROM ghcr.io/kiln-dev/kiln-runtime"),
            std::string::npos);
  EXPECT_EQ(cm["data"]["f1"], "scikit-learn==1.4.2\n");
}

TEST_F(EnvironmentControllerTest, BuildingThenReadyAndANewSpecKeepsTheLastGoodImage) {
  EnvironmentController controller(client_, options(config_));
  create_environment("flow", kPipSpec);
  controller.reconcile(ns(), "flow");
  auto status = environment("flow")["status"];
  ASSERT_EQ(status["phase"], "Building");
  const std::string job = status["buildJob"];
  // KWOK runs the Job's pod to completion; the builder's push is done here by hand.
  ASSERT_TRUE(eventually([&] {
    auto j = get_json({"job", job});
    for (const auto& c : j.value("/status/conditions"_json_pointer, nlohmann::json::array())) {
      if (c["type"] == "Complete" && c["status"] == "True") return true;
    }
    return false;
  }));
  auto client = registry_client();
  const std::string digest = push_image(client, "kiln/environments", "built", status["tag"]);
  controller.reconcile(ns(), "flow");
  status = environment("flow")["status"];
  EXPECT_EQ(status["phase"], "Ready") << ready_reason("flow");
  const std::string image = registry_->host() + "/kiln/environments@" + digest;
  EXPECT_EQ(status["image"], image);

  // A changed spec builds a new tag; status.image stays on the last good image meanwhile.
  create_environment("flow", "  python:\n    pip: [\"scikit-learn==1.5.0\"]\n");
  controller.reconcile(ns(), "flow");
  status = environment("flow")["status"];
  EXPECT_EQ(status["phase"], "Building");
  EXPECT_EQ(status["image"], image);
  EXPECT_NE(status["buildJob"], job);
  EXPECT_EQ(controller.jobs_created(), 2);
}

TEST_F(EnvironmentControllerTest, RegistryHitCreatesNoJob) {
  // The tag the controller will compute for this spec, pushed beforehand.
  api::EnvironmentSpec spec;
  spec.python = api::PythonSettings{};
  spec.python->pip = std::vector<std::string>{"scikit-learn==1.4.2"};
  auto rendered = env::render_environment(spec, env::RenderOptions{});
  ASSERT_TRUE(rendered.ok());
  const std::string tag =
      env::content_tag({rendered.context, "", env::RenderOptions{}.serve_version});
  auto client = registry_client();
  const std::string digest = push_image(client, "kiln/environments", "built before", tag);

  EnvironmentController controller(client_, options(config_));
  create_environment("cached", kPipSpec);
  controller.reconcile(ns(), "cached");
  EXPECT_EQ(controller.jobs_created(), 0);
  EXPECT_EQ(jobs().size(), 0u);
  auto status = environment("cached")["status"];
  EXPECT_EQ(status["phase"], "Ready") << ready_reason("cached");
  EXPECT_EQ(status["tag"], tag);
  EXPECT_EQ(status["image"], registry_->host() + "/kiln/environments@" + digest);
}

TEST_F(EnvironmentControllerTest, IdenticalEnvironmentsShareOneBuildAcrossReplicas) {
  // 3 distinct contents x 4 Environments each, reconciled concurrently by two
  // controllers (two operator replicas): exactly 3 Jobs are ever created.
  const std::vector<std::string> packages = {"numpy", "scipy", "pandas"};
  std::vector<std::string> names;
  for (std::size_t k = 0; k < packages.size(); ++k) {
    for (int i = 0; i < 4; ++i) {
      names.push_back("env-" + packages[k] + "-" + std::to_string(i));
      create_environment(names.back(), "  python:\n    pip: [\"" + packages[k] + "\"]\n");
    }
  }
  EnvironmentController a(client_, options(config_));
  EnvironmentController b(client_, options(config_));
  std::thread ta([&] {
    for (const auto& n : names) a.reconcile(ns(), n);
  });
  std::thread tb([&] {
    for (auto it = names.rbegin(); it != names.rend(); ++it) b.reconcile(ns(), *it);
  });
  ta.join();
  tb.join();
  EXPECT_EQ(a.jobs_created() + b.jobs_created(), 3) << "Jobs created, not just Jobs left";
  EXPECT_EQ(jobs().size(), 3u);
  std::set<std::string> build_jobs;
  for (const auto& n : names) {
    auto status = environment(n)["status"];
    EXPECT_EQ(status["phase"], "Building") << n;
    build_jobs.insert(status.value("buildJob", ""));
  }
  EXPECT_EQ(build_jobs.size(), 3u);
  // Deleting one Environment never cancels the build the others wait on.
  kubectl({"delete", "environments.kiln.dev", names[0]});
  a.reconcile(ns(), names[0]);
  EXPECT_EQ(jobs().size(), 3u);
}

TEST_F(EnvironmentControllerTest, WrongPushCredentialsEndFailedWithTheReason) {
  const std::string wrong = registry_->write_docker_config(kRegistryUser, "wrong", "wrong.json");
  EnvironmentController controller(client_, options(wrong));
  create_environment("denied", kPipSpec);
  controller.reconcile(ns(), "denied");
  EXPECT_EQ(controller.jobs_created(), 0);
  EXPECT_EQ(environment("denied")["status"]["phase"], "Failed");
  EXPECT_NE(ready_reason("denied").find("RegistryAuthRefused"), std::string::npos)
      << ready_reason("denied");
}

TEST_F(EnvironmentControllerTest, MissingBaseImageEndsFailedWithTheReason) {
  EnvironmentController controller(client_, options(config_));
  create_environment("nobase", "  baseImage: " + registry_->host() + "/none/base:1\n");
  controller.reconcile(ns(), "nobase");
  EXPECT_EQ(controller.jobs_created(), 0);
  EXPECT_EQ(environment("nobase")["status"]["phase"], "Failed");
  EXPECT_NE(ready_reason("nobase").find("not found"), std::string::npos) << ready_reason("nobase");
}

TEST_F(EnvironmentControllerTest, UpstreamRetagDoesNotRebuildTheAnnotationDoes) {
  auto client = registry_client();
  push_image(client, "base/python", "python one", "3.11");
  EnvironmentController controller(client_, options(config_));
  create_environment("pinned", "  baseImage: " + registry_->host() + "/base/python:3.11\n");
  controller.reconcile(ns(), "pinned");
  const std::string first = environment("pinned")["status"]["tag"];
  EXPECT_EQ(controller.jobs_created(), 1);

  push_image(client, "base/python", "python two", "3.11");  // upstream retag
  controller.reconcile(ns(), "pinned");
  EXPECT_EQ(environment("pinned")["status"]["tag"], first);
  EXPECT_EQ(controller.jobs_created(), 1);

  kubectl({"annotate", "environments.kiln.dev", "pinned", "kiln.dev/re-resolve-base=1"});
  controller.reconcile(ns(), "pinned");
  EXPECT_NE(environment("pinned")["status"]["tag"], first);
  EXPECT_EQ(controller.jobs_created(), 2);
}

TEST_F(EnvironmentControllerTest, AFailedBuildEndsFailedWithTheBuildersLogTailAndIsNotRetried) {
  auto o = options(config_);
  o.job.placement.node_selector = {
      {builder_label(), "true"}};  // the pods wait: the test fails them
  EnvironmentController controller(client_, o);
  create_environment("broken", "  python:\n    pip: [\"nosuchpkg==1.0\"]\n");
  controller.reconcile(ns(), "broken");
  const std::string job = environment("broken")["status"]["buildJob"];
  const std::string log =
      "INFO[0003] RUN /opt/kiln/env/bin/python -m pip install -r "
      "/opt/kiln/context/requirements.txt\n"
      "ERROR: Could not find a version that satisfies the requirement nosuchpkg==1.0 (from "
      "versions: none)\n"
      "ERROR: No matching distribution found for nosuchpkg==1.0\n"
      "error building image: error building stage: failed to execute command: waiting for "
      "process to exit: exit status 1\n";
  // backoffLimit 1: two pods fail, then the Job is Failed.
  ASSERT_TRUE(eventually(
      [&] {
        fail_pending_pod(job, log);
        return job_condition(get_json({"job", job}), "Failed");
      },
      std::chrono::seconds(60), std::chrono::seconds(1)))
      << get_json({"job", job}).dump(2);
  controller.reconcile(ns(), "broken");
  auto status = environment("broken")["status"];
  EXPECT_EQ(status["phase"], "Failed");
  EXPECT_NE(ready_reason("broken").find("PackageNotFound"), std::string::npos)
      << ready_reason("broken");
  EXPECT_NE(ready_reason("broken").find("nosuchpkg==1.0"), std::string::npos)
      << ready_reason("broken");
  EXPECT_NE(
      status.value("buildLogTail", "").find("No matching distribution found for nosuchpkg==1.0"),
      std::string::npos)
      << status.dump(2);
  // A failed build is not retried for the same content.
  controller.reconcile(ns(), "broken");
  EXPECT_EQ(environment("broken")["status"]["phase"], "Failed");
  EXPECT_EQ(controller.jobs_created(), 1);
  EXPECT_EQ(jobs().size(), 1u);
}

}  // namespace
}  // namespace kiln::testing
