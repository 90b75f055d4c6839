// `kiln render` of an Environment equals the build the Environment controller
// starts: the kaniko Job and its context ConfigMap the controller (the one
// kiln-operator runs, in-process here) creates on a registry miss, read back
// from the API server and compared field by field with `kiln render` given
// the same operator settings. Only the ConfigMap's owner uid is a placeholder.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "controllers/environment/environment_controller.hpp"
#include "operator/kube/kubeconfig.hpp"
#include "tests/integration/api/kiln_crd_test.hpp"
#include "tests/integration/cli/field_compare.hpp"
#include "tests/integration/oci/registry_process.hpp"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

class RenderBuildClusterTest : public KilnCrdTest {};

TEST_F(RenderBuildClusterTest, BuildJobAndContextEqualTheControllers) {
  RegistryProcess registry;
  controllers::environment::EnvironmentControllerOptions options;
  options.registry = oci::RegistryClient::options_for(registry.host(), "", "", true);
  options.job.namespace_ = ns();
  options.job.insecure_registry = true;
  auto client =
      std::make_shared<kube::RestClient>(kube::load_kubeconfig(cluster().var("KUBECONFIG")));
  controllers::environment::EnvironmentController controller(client, options);

  const std::string manifest =
      "apiVersion: kiln.dev/v1alpha1\nkind: Environment\nmetadata:\n  name: sklearn\nspec:\n"
      "  python:\n    pip: [\"scikit-learn==1.9.1\", joblib]\n  env:\n"
      "    - {name: OMP_NUM_THREADS, value: \"1\"}\n  build:\n    timeoutSeconds: 900\n";
  apply(manifest);
  controller.reconcile(ns(), "sklearn");
  ASSERT_EQ(controller.jobs_created(), 1);

  const fs::path file = fs::temp_directory_path() / ("kiln-render-build-" + ns() + ".yaml");
  std::ofstream(file) << manifest;
  const fs::path out = file.string() + ".out";
  auto r = run_command({"sh", "-c",
                        std::string(KILN_CLI) + " render -o json -n " + ns() + " --registry " +
                            registry.host() + " --registry-plain-http --system-namespace " + ns() +
                            " -f " + file.string() + " > " + out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(out);
  const json printed = json::parse(in);
  fs::remove(file);
  fs::remove(out);
  ASSERT_EQ(printed["kind"], "List");
  ASSERT_EQ(printed["items"].size(), 2u);  // the Job and its ConfigMap: no service here

  std::set<std::string> placeholders;
  for (const auto& object : printed["items"]) {
    const std::string kind = object["kind"];
    const std::string name = object["metadata"]["name"];
    auto applied = kubectl({"get", kind, name, "-o", "json"});
    ASSERT_EQ(applied.exit_code, 0) << kind << " " << name << ": " << applied.output;
    std::vector<std::string> differences;
    std::set<std::string> found;
    compare(object, json::parse(applied.output), "", differences, found);
    for (const auto& p : found) placeholders.insert(kind + p);
    EXPECT_TRUE(differences.empty()) << kind << " " << name << ":\n"
                                     << ::testing::PrintToString(differences);
  }
  EXPECT_EQ(placeholders, (std::set<std::string>{"ConfigMap/metadata/ownerReferences/0/uid"}));
}

}  // namespace
}  // namespace kiln::testing
