// Environment builds in kiln-operator (real processes) against the real
// control plane (KWOK) and a real registry (Debian's docker-registry):
//
// - 50 InferenceServices over 6 Environments of 3 distinct contents cause
//   exactly 3 build Jobs (every Job ever created is counted from a watch);
//   when the builds push and their Jobs complete, every Environment is Ready
//   and every InferenceService runs its Environment's image;
// - two replicas with leader election: the leader is SIGKILLed while a build
//   Job runs (its context ConfigMap lost too); the new leader adopts the Job
//   (no second Job, the ConfigMap restored) and completes the Environment;
// - a ModelPackage waits for its Environment and builds once it is Ready.
//
// KWOK runs no builder: build Jobs get --job-node-selector, so their pods
// stay Pending (a running build) until the test has pushed the image (the
// builder's push) and labels a node; then KWOK runs the pods to completion.

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include "tests/integration/environment/build_test_support.hpp"
#include "tests/integration/oci/registry_process.hpp"
#include "tests/support/child_process.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kScript = "def init():\n    pass\ndef run(data):\n    return data\n";

class BuildOperatorTest : public BuildClusterTest {
 protected:
  void SetUp() override {
    BuildClusterTest::SetUp();
    if (HasFatalFailure()) return;
    registry_ = std::make_unique<RegistryProcess>();
    // Every Job created in the namespace, from before anything is created.
    job_watch_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{cluster().var("KUBECTL"), "--kubeconfig",
                                 cluster().var("KUBECONFIG"), "-n", ns(), "get", "jobs", "-w",
                                 "--output-watch-events", "-o",
                                 "jsonpath={.type} {.object.metadata.uid}\n"},
        "/tmp/kiln-job-watch-" + ns() + ".log");
  }

  void TearDown() override {
    for (auto& [identity, process] : operators_) {
      if (!process->running()) continue;
      process->signal(SIGTERM);
      EXPECT_EQ(process->wait_for_exit(20s), 0) << identity << ":\n" << process->log();
    }
    if (job_watch_) job_watch_->signal(SIGTERM);
    BuildClusterTest::TearDown();
  }

  ChildProcess& start_operator(const std::string& identity, const std::string& controllers,
                               bool leader_elect) {
    std::vector<std::string> argv = {KILN_OPERATOR,
                                     "--kubeconfig",
                                     cluster().var("KUBECONFIG"),
                                     "--namespace",
                                     ns(),
                                     "--system-namespace",
                                     ns(),
                                     "--controllers",
                                     controllers,
                                     "--health-probe-bind-address",
                                     "127.0.0.1:" + std::to_string(free_port()),
                                     "--metrics-bind-address",
                                     "0",
                                     "--registry",
                                     registry_->host(),
                                     "--registry-plain-http",
                                     "--fetch-image",
                                     registry_->host() + "/kiln/kiln-fetch:test",
                                     "--job-node-selector",
                                     builder_label() + "=true",
                                     "--log-level",
                                     "debug"};
    if (leader_elect) {
      argv.insert(argv.end(), {"--leader-election-id", "kiln-build-test", "--identity", identity});
    } else {
      argv.push_back("--no-leader-elect");
    }
    auto& process = operators_[identity];
    process = std::make_unique<ChildProcess>(
        argv, "/tmp/kiln-operator-" + ns() + "-" + identity + ".log");
    return *process;
  }

  std::string logs() const {
    std::string out;
    for (const auto& [identity, process] : operators_) {
      out += "--- " + identity + "\n" + process->log();
    }
    return out;
  }

  // Job uids ever ADDED in the namespace.
  std::size_t jobs_ever_created() const { return added_job_uids(job_watch_->log()).size(); }
  json jobs() const { return get_json({"jobs"})["items"]; }

  void create_environment(const std::string& name, const std::string& package) const {
    apply("apiVersion: kiln.dev/v1alpha1\nkind: Environment\nmetadata:\n  name: " + name +
          "\nspec:\n  python:\n    pip: [\"" + package + "\"]\n");
  }

  json environment(const std::string& name) const { return get_json({"environment", name}); }

  // A registered Model, written as the Model controller would (it does not run here).
  void registered_model(const std::string& name) const {
    apply("apiVersion: kiln.dev/v1alpha1\nkind: Model\nmetadata:\n  name: " + name +
          "\nspec:\n  source:\n    uri: https://models.example.com/" + name + ".pkl\n");
    const std::string digest = "sha256:" + std::string(64, '1');
    const std::string image = registry_->host() + "/models/" + ns() + "/" + name + "@" + digest;
    json status = {
        {"status",
         {{"version", 1},
          {"digest", digest},
          {"image", image},
          {"versions", json::array({{{"version", 1}, {"digest", digest}, {"image", image}}})}}}};
    auto r = kubectl(
        {"patch", "model", name, "--subresource=status", "--type=merge", "-p", status.dump()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  // The builder's push for every build Job: destination repository:tag -> digest.
  std::map<std::string, std::string> push_every_build() const {
    oci::RegistryOptions options;
    options.registry = registry_->host();
    options.plain_http = true;
    oci::RegistryClient client(options);
    std::map<std::string, std::string> pushed;
    for (const auto& job : jobs()) {
      auto [path, tag] = job_destination(job);
      pushed[tag] =
          registry_->host() + "/" + path + "@" + push_image(client, path, "built " + tag, tag);
    }
    return pushed;
  }

  std::string lease_holder() const {
    auto r = kubectl({"get", "lease", "kiln-build-test", "-o", "jsonpath={.spec.holderIdentity}"});
    return r.exit_code == 0 ? r.output : "";
  }

  std::unique_ptr<RegistryProcess> registry_;
  std::unique_ptr<ChildProcess> job_watch_;
  std::map<std::string, std::unique_ptr<ChildProcess>> operators_;
};

TEST_F(BuildOperatorTest, FiftyServicesOverThreeContentsCauseExactlyThreeBuilds) {
  registered_model("diabetes");
  const std::vector<std::string> packages = {"numpy", "scipy", "pandas"};
  std::vector<std::string> environments;
  for (int copy = 0; copy < 2; ++copy) {
    for (const auto& p : packages) {
      environments.push_back(p + "-" + std::to_string(copy));
      create_environment(environments.back(), p);
    }
  }
  std::string services;
  for (int i = 0; i < 50; ++i) {
    services += json{{"apiVersion", "kiln.dev/v1alpha1"},
                     {"kind", "InferenceService"},
                     {"metadata", {{"name", "svc-" + std::to_string(i)}}},
                     {"spec",
                      {{"models", json::array({{{"name", "diabetes"}}})},
                       {"environmentRef", {{"name", environments[i % environments.size()]}}},
                       {"inferenceConfig", {{"source", {{"inline", kScript}}}}},
                       {"target", "dev"}}}}
                    .dump() +
                "\n---\n";
  }
  apply(services);
  start_operator("solo", "environment,inferenceservice", false);

  ASSERT_TRUE(eventually([&] {
    for (const auto& e : environments) {
      if (environment(e).value("/status/phase"_json_pointer, std::string()) != "Building") {
        return false;
      }
    }
    return true;
  })) << logs();
  EXPECT_EQ(jobs().size(), 3u);
  // The services wait for their images meanwhile.
  EXPECT_TRUE(eventually([&] {
    auto s = get_json({"inferenceservice", "svc-0"});
    for (const auto& c : s.value("/status/conditions"_json_pointer, json::array())) {
      if (c["type"] == "ImageReady") return c["status"] == "False";
    }
    return false;
  })) << get_json({"inferenceservice", "svc-0"}).dump(2);

  // The builders push and finish.
  const auto pushed = push_every_build();
  ASSERT_EQ(pushed.size(), 3u);
  open_builder_node();

  std::map<std::string, std::string> image_of;  // Environment -> its image
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : environments) {
          auto status = environment(e).value("status", json::object());
          if (status.value("phase", "") != "Ready") return false;
          image_of[e] = status.value("image", "");
          if (pushed.at(status.value("tag", "")) != image_of[e]) return false;
        }
        return true;
      },
      90s))
      << logs();
  ASSERT_TRUE(eventually(
      [&] {
        for (int i = 0; i < 50; ++i) {
          auto s = get_json({"inferenceservice", "svc-" + std::to_string(i)});
          if (s.value("/status/image"_json_pointer, std::string()) !=
              image_of[environments[i % environments.size()]]) {
            return false;
          }
        }
        return true;
      },
      180s, 1s))
      << logs();
  ASSERT_TRUE(eventually([&] {
    for (const auto& job : jobs()) {
      if (!job_condition(job, "Complete")) return false;
    }
    return true;
  })) << get_json({"jobs"}).dump(2);
  EXPECT_EQ(jobs_ever_created(), 3u) << job_watch_->log();
  EXPECT_EQ(jobs().size(), 3u);
}

TEST_F(BuildOperatorTest, ANewLeaderAdoptsTheRunningBuildAndCompletesIt) {
  start_operator("replica-a", "environment", true);
  start_operator("replica-b", "environment", true);
  ASSERT_TRUE(eventually([&] { return !lease_holder().empty(); })) << logs();
  create_environment("failover", "scikit-learn==1.4.2");
  ASSERT_TRUE(eventually([&] {
    return environment("failover").value("/status/phase"_json_pointer, std::string()) == "Building";
  })) << logs();
  ASSERT_EQ(jobs().size(), 1u);
  const json job = jobs()[0];
  const std::string job_name = job["metadata"]["name"];

  // SIGKILL the leader mid-build; as if it died between creating the Job and
  // its context ConfigMap, the ConfigMap goes too.
  const std::string leader = lease_holder();
  const std::string follower = leader == "replica-a" ? "replica-b" : "replica-a";
  ASSERT_TRUE(operators_.count(leader)) << leader;
  operators_[leader]->signal(SIGKILL);
  ASSERT_EQ(operators_[leader]->wait_for_exit(10s), 128 + SIGKILL);
  ASSERT_EQ(kubectl({"delete", "configmap", job_name}).exit_code, 0);

  ASSERT_TRUE(eventually([&] { return lease_holder() == follower; }, 60s)) << logs();
  // The new leader adopts the Job: its context is back, owned by the same Job.
  ASSERT_TRUE(eventually([&] {
    auto cm = kubectl(
        {"get", "configmap", job_name, "-o", "jsonpath={.metadata.ownerReferences[0].uid}"});
    return cm.exit_code == 0 && cm.output == job["metadata"]["uid"].get<std::string>();
  })) << logs();
  EXPECT_EQ(jobs_ever_created(), 1u) << job_watch_->log();

  const auto pushed = push_every_build();
  open_builder_node();
  ASSERT_TRUE(eventually([&] {
    return environment("failover").value("/status/phase"_json_pointer, std::string()) == "Ready";
  })) << logs();
  EXPECT_EQ(environment("failover")["status"]["image"], pushed.begin()->second);
  ASSERT_TRUE(eventually([&] { return job_condition(get_json({"job", job_name}), "Complete"); }));
  EXPECT_EQ(jobs_ever_created(), 1u) << job_watch_->log();
  EXPECT_EQ(get_json({"job", job_name})["metadata"]["uid"], job["metadata"]["uid"]);
  // One build, one push: the only manifest PUT the registry saw is the builder's.
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 1) << registry_->log();
}

TEST_F(BuildOperatorTest, AModelPackageBuildsOnceItsEnvironmentIsReady) {
  registered_model("diabetes");
  create_environment("sklearn", "scikit-learn==1.4.2");
  apply(json{{"apiVersion", "kiln.dev/v1alpha1"},
             {"kind", "ModelPackage"},
             {"metadata", {{"name", "diabetes-pkg"}}},
             {"spec",
              {{"models", json::array({{{"name", "diabetes"}}})},
               {"environmentRef", {{"name", "sklearn"}}},
               {"inferenceConfig", {{"source", {{"inline", kScript}}}}}}}}
            .dump());
  start_operator("solo", "environment,modelpackage", false);
  auto package = [&] { return get_json({"modelpackage", "diabetes-pkg"}); };
  ASSERT_TRUE(eventually([&] {
    return package().value("/status/phase"_json_pointer, std::string()) == "Pending";
  })) << logs();
  ASSERT_TRUE(eventually([&] { return jobs().size() == 1; })) << logs();
  // The Environment's builder pushes: the Environment is Ready and, through
  // the watch on Environments, the package builds on its image.
  const auto environment_image = push_every_build().begin()->second;
  ASSERT_TRUE(eventually([&] {
    return package().value("/status/phase"_json_pointer, std::string()) == "Building";
  })) << package().dump(2)
      << logs();
  ASSERT_EQ(jobs().size(), 2u);
  const std::string package_job = package()["status"]["buildJob"];
  auto cm = get_json({"configmap", package_job});
  bool from_environment = false;
  for (const auto& [key, value] : cm["data"].items()) {
    if (value.get<std::string>().find("FROM " + environment_image + "\n") != std::string::npos) {
      from_environment = true;
    }
  }
  EXPECT_TRUE(from_environment) << cm.dump(2);

  const auto pushed = push_every_build();
  ASSERT_TRUE(eventually([&] {
    return package().value("/status/phase"_json_pointer, std::string()) == "Ready";
  })) << package().dump(2)
      << logs();
  EXPECT_EQ(package()["status"]["image"], pushed.at(package()["status"]["tag"]));
  EXPECT_EQ(jobs_ever_created(), 2u) << job_watch_->log();
}

}  // namespace
}  // namespace kiln::testing
