// The ModelPackage controller against the real control plane (KWOK) and a real
// registry (Debian's docker-registry, htpasswd auth, TLS): a package waits for
// its Environment and Models, builds once through a content-keyed Job FROM the
// Environment's image, becomes Ready with the pushed image by digest; identical
// packages share one build and a registry hit builds nothing; a failed build
// ends Failed with the builder's log tail.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "controllers/model_package/model_package_controller.hpp"
#include "operator/kube/kubeconfig.hpp"
#include "operator/oci/image_manifest.hpp"
#include "tests/integration/api/kiln_crd_test.hpp"
#include "tests/integration/environment/build_test_support.hpp"
#include "tests/integration/oci/registry_process.hpp"
#include "tests/support/command.hpp"

namespace kiln::testing {
namespace {

using controllers::model_package::ModelPackageController;
using controllers::model_package::ModelPackageControllerOptions;
using nlohmann::json;

constexpr const char* kScript =
    "import json\ndef init():\n    pass\ndef run(data):\n    return json.loads(data)\n";

class ModelPackageControllerTest : public KilnCrdTest {
 protected:
  void SetUp() override {
    KilnCrdTest::SetUp();
    if (HasFatalFailure()) return;
    registry_ = std::make_unique<RegistryProcess>(RegistryAuth::kBasic, /*tls=*/true);
    config_ = registry_->write_docker_config(kRegistryUser, kRegistryPassword);
    client_ = kube::make_client(kube::load_kubeconfig(cluster().var("KUBECONFIG")));
  }

  ModelPackageControllerOptions options() const {
    ModelPackageControllerOptions o;
    o.registry =
        oci::RegistryClient::options_for(registry_->host(), config_, registry_->ca_file(), false);
    o.job.namespace_ = ns();
    return o;
  }

  oci::RegistryClient registry_client() const {
    return oci::RegistryClient(
        oci::RegistryClient::options_for(registry_->host(), config_, registry_->ca_file(), false));
  }

  void patch_status(const std::string& kind, const std::string& name, const json& status) const {
    auto r = kubectl({"patch", kind, name, "--subresource=status", "--type=merge", "-p",
                      json{{"status", status}}.dump()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  // An Environment whose build is done: Ready with an image in the registry.
  std::string ready_environment(const std::string& name) {
    apply("apiVersion: kiln.dev/v1alpha1\nkind: Environment\nmetadata:\n  name: " + name +
          "\nspec:\n  python:\n    pip: [\"scikit-learn==1.4.2\"]\n");
    auto client = registry_client();
    const std::string image =
        registry_->host() + "/kiln/environments@" +
        push_image(client, "kiln/environments", "environment " + name, "env-" + name);
    patch_status("environment", name,
                 {{"phase", "Ready"},
                  {"observedGeneration", 1},
                  {"image", image},
                  {"conditions", json::array({{{"type", "Ready"},
                                               {"status", "True"},
                                               {"reason", "ImageReady"},
                                               {"message", "built"},
                                               {"lastTransitionTime", "2026-11-21T00:00:00Z"}}})}});
    return image;
  }

  // A registered Model (version 1) whose image is in the registry.
  std::string registered_model(const std::string& name) {
    apply("apiVersion: kiln.dev/v1alpha1\nkind: Model\nmetadata:\n  name: " + name +
          "\nspec:\n  source:\n    uri: https://models.example.com/" + name + ".pkl\n");
    auto client = registry_client();
    const std::string repo = "models/" + ns() + "/" + name;
    const std::string digest = push_image(client, repo, "model " + name, "v1");
    const std::string image = registry_->host() + "/" + repo + "@" + digest;
    patch_status(
        "model", name,
        {{"version", 1},
         {"digest", digest},
         {"image", image},
         {"versions", json::array({{{"version", 1}, {"digest", digest}, {"image", image}}})}});
    return image;
  }

  void create_package(const std::string& name) const {
    apply(json{{"apiVersion", "kiln.dev/v1alpha1"},
               {"kind", "ModelPackage"},
               {"metadata", {{"name", name}}},
               {"spec",
                {{"models", json::array({{{"name", "diabetes"}}})},
                 {"environmentRef", {{"name", "sklearn"}}},
                 {"inferenceConfig", {{"source", {{"inline", kScript}}}}}}}}
              .dump());
  }

  json package(const std::string& name) const { return get_json({"modelpackage", name}); }

  static std::string condition(const json& object, const std::string& type) {
    for (const auto& c : object.value("/status/conditions"_json_pointer, json::array())) {
      if (c["type"] == type) return c.value("status", "") + " " + c.value("reason", "");
    }
    return "";
  }

  json jobs() const { return get_json({"jobs"})["items"]; }

  std::unique_ptr<RegistryProcess> registry_;
  std::string config_;
  std::shared_ptr<kube::RestClient> client_;
};

TEST_F(ModelPackageControllerTest, WaitsForItsEnvironmentThenBuildsOnceAndIsReadyByDigest) {
  ModelPackageController controller(client_, options());
  create_package("diabetes-pkg");
  controller.reconcile(ns(), "diabetes-pkg");
  auto p = package("diabetes-pkg");
  EXPECT_EQ(p["status"]["phase"], "Pending");
  EXPECT_EQ(condition(p, "EnvironmentReady"), "False EnvironmentNotFound");
  EXPECT_EQ(condition(p, "Ready"), "False EnvironmentNotFound");

  const std::string env_image = ready_environment("sklearn");
  controller.reconcile(ns(), "diabetes-pkg");
  p = package("diabetes-pkg");
  EXPECT_EQ(condition(p, "ModelsResolved"), "False ModelNotFound");
  EXPECT_EQ(jobs().size(), 0u);

  const std::string model_image = registered_model("diabetes");
  controller.reconcile(ns(), "diabetes-pkg");
  controller.reconcile(ns(), "diabetes-pkg");  // level-triggered: nothing more
  EXPECT_EQ(controller.jobs_created(), 1);
  auto items = jobs();
  ASSERT_EQ(items.size(), 1u);
  p = package("diabetes-pkg");
  EXPECT_EQ(p["status"]["phase"], "Building");
  EXPECT_EQ(condition(p, "EnvironmentReady"), "True EnvironmentReady");
  EXPECT_EQ(condition(p, "ModelsResolved"), "True ModelsResolved");
  EXPECT_EQ(condition(p, "Ready"), "False Building");
  const std::string tag = p["status"]["tag"];
  const auto& job = items[0];
  EXPECT_EQ(p["status"]["buildJob"], job["metadata"]["name"]);
  EXPECT_EQ(job["metadata"]["annotations"]["kiln.dev/image"],
            registry_->host() + "/kiln/packages:" + tag);
  EXPECT_FALSE(job["metadata"].contains("ownerReferences"));
  // The context: FROM the Environment's image, the model image, the script.
  auto cm = get_json({"configmap", job["metadata"]["name"].get<std::string>()});
  EXPECT_EQ(cm["metadata"]["ownerReferences"][0]["uid"], job["metadata"]["uid"]);
  std::string dockerfile, script;
  for (const auto& [key, value] : cm["data"].items()) {
    const std::string text = value;
    if (text.find("FROM ") != std::string::npos) dockerfile = text;
    if (text == kScript) script = text;
  }
  EXPECT_NE(dockerfile.find("FROM " + env_image + "\n"), std::string::npos) << dockerfile;
  EXPECT_NE(dockerfile.find("COPY --from=" + model_image +
                            " / /var/azureml-app/azureml-models/diabetes/1/\n"),
            std::string::npos)
      << dockerfile;
  EXPECT_EQ(script, kScript);

  // The builder pushes; the package is Ready with the image by digest.
  auto client = registry_client();
  const std::string digest = push_image(client, "kiln/packages", "packaged", tag);
  controller.reconcile(ns(), "diabetes-pkg");
  p = package("diabetes-pkg");
  EXPECT_EQ(p["status"]["phase"], "Ready") << p["status"].dump(2);
  EXPECT_EQ(p["status"]["image"], registry_->host() + "/kiln/packages@" + digest);
  EXPECT_EQ(condition(p, "Ready"), "True ImageReady");
  EXPECT_EQ(p["status"]["modelVersions"][0]["name"], "diabetes");
  EXPECT_EQ(p["status"]["modelVersions"][0]["version"], 1);
  EXPECT_EQ(p["status"]["observedGeneration"], 1);
  // Printer columns: FORMAT, PHASE, IMAGE.
  auto table = kubectl({"get", "kpkg", "diabetes-pkg"});
  EXPECT_NE(table.output.find("Ready"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("Image"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find(digest), std::string::npos) << table.output;
  EXPECT_EQ(controller.jobs_created(), 1);
}

TEST_F(ModelPackageControllerTest, IdenticalPackagesShareOneBuildAndARegistryHitBuildsNothing) {
  ready_environment("sklearn");
  registered_model("diabetes");
  ModelPackageController a(client_, options());
  ModelPackageController b(client_, options());  // a second replica
  create_package("one");
  create_package("two");
  a.reconcile(ns(), "one");
  b.reconcile(ns(), "two");
  EXPECT_EQ(a.jobs_created() + b.jobs_created(), 1);
  EXPECT_EQ(jobs().size(), 1u);
  EXPECT_EQ(package("one")["status"]["buildJob"], package("two")["status"]["buildJob"]);

  auto client = registry_client();
  const std::string digest =
      push_image(client, "kiln/packages", "packaged", package("one")["status"]["tag"]);
  create_package("three");  // after the push: a registry hit
  for (const char* name : {"one", "two", "three"}) {
    a.reconcile(ns(), name);
    EXPECT_EQ(package(name)["status"]["phase"], "Ready") << name;
    EXPECT_EQ(package(name)["status"]["image"], registry_->host() + "/kiln/packages@" + digest);
  }
  EXPECT_EQ(a.jobs_created() + b.jobs_created(), 1);
  EXPECT_EQ(jobs().size(), 1u);
}

TEST_F(ModelPackageControllerTest, ADockerContextIsStoredInTheRegistryForDownload) {
  const std::string env_image = ready_environment("sklearn");
  registered_model("diabetes");
  apply(json{{"apiVersion", "kiln.dev/v1alpha1"},
             {"kind", "ModelPackage"},
             {"metadata", {{"name", "ctx"}}},
             {"spec",
              {{"models", json::array({{{"name", "diabetes"}}})},
               {"environmentRef", {{"name", "sklearn"}}},
               {"inferenceConfig", {{"source", {{"inline", kScript}}}}},
               {"output", {{"format", "DockerContext"}}}}}}
            .dump());
  ModelPackageController controller(client_, options());
  controller.reconcile(ns(), "ctx");
  controller.reconcile(ns(), "ctx");  // stored once: the second pass finds it
  auto p = package("ctx");
  EXPECT_EQ(p["status"]["phase"], "Ready") << p["status"].dump(2);
  EXPECT_EQ(condition(p, "Ready"), "True ContextStored");
  EXPECT_EQ(controller.jobs_created(), 0);
  EXPECT_EQ(jobs().size(), 0u);
  const std::string uri = p["status"]["contextUri"];
  const std::string prefix = "oci://" + registry_->host() + "/kiln/package-contexts@";
  ASSERT_EQ(uri.rfind(prefix, 0), 0u) << uri;
  EXPECT_EQ(registry_->count_requests("PUT", "/kiln/package-contexts/manifests/"), 1);

  // Download it as a user would and read it back with GNU tar.
  auto client = registry_client();
  auto manifest = oci::parse_image_manifest(
      client.get_manifest("kiln/package-contexts", uri.substr(prefix.size())).body);
  ASSERT_EQ(manifest.layers.size(), 1u);
  const std::string dir = make_temp_dir("kiln-package-context");
  {
    std::ofstream out(dir + "/context.tar", std::ios::binary);
    out << client.get_blob("kiln/package-contexts", manifest.layers[0].digest);
  }
  ASSERT_EQ(run_command({"tar", "-xf", dir + "/context.tar", "-C", dir}).exit_code, 0);
  auto read = [&](const std::string& path) {
    std::ifstream in(dir + "/" + path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_NE(read("Dockerfile").find("FROM " + env_image + "\n"), std::string::npos)
      << read("Dockerfile");
  EXPECT_EQ(read("app/score.py"), kScript);
  std::filesystem::remove_all(dir);
}

TEST_F(ModelPackageControllerTest, ASpecTheClusterCannotBuildIsFailedWithTheReason) {
  ready_environment("sklearn");
  registered_model("diabetes");
  apply(json{{"apiVersion", "kiln.dev/v1alpha1"},
             {"kind", "ModelPackage"},
             {"metadata", {{"name", "ctx"}}},
             {"spec",
              {{"models", json::array({{{"name", "diabetes"}}})},
               {"environmentRef", {{"name", "sklearn"}}},
               {"inferenceConfig", {{"source", {{"uri", "https://example.com/src.tar.gz"}}}}}}}}
            .dump());
  ModelPackageController controller(client_, options());
  auto result = controller.reconcile(ns(), "ctx");
  auto p = package("ctx");
  EXPECT_EQ(p["status"]["phase"], "Failed");
  EXPECT_EQ(condition(p, "Ready"), "False ScriptSourceUnsupported");
  EXPECT_EQ(controller.jobs_created(), 0);
  EXPECT_NE(result.kind(),
            runtime::ReconcileResult::Kind::requeue_after);  // waits for a spec change
}

}  // namespace
}  // namespace kiln::testing
