// `kiln import` of the seeds' inferenceconfig.json with an AKS (and an ACI)
// deployment config produces resources the real API server accepts with the
// Kiln CRDs installed: `kubectl apply --dry-run=server`.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/api/kiln_crd_test.hpp"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

class ImportClusterTest : public KilnCrdTest {
 protected:
  void SetUp() override {
    KilnCrdTest::SetUp();
    dir_ = fs::temp_directory_path() / ("kiln-import-" + ns());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const fs::path fixtures = fs::path(KILN_SOURCE_DIR) / "tests/integration/cli/azureml";
    for (const char* f :
         {"inferenceconfig.json", "aks-deploymentconfig.json", "aci-deploymentconfig.json"}) {
      fs::copy_file(fixtures / f, dir_ / f);
    }
    fs::copy_file(fs::path(KILN_SOURCE_DIR) / "server/examples/diabetes/score.py",
                  dir_ / "score.py");
  }
  void TearDown() override {
    fs::remove_all(dir_);
    KilnCrdTest::TearDown();
  }

  // kiln import ... > out; returns kiln's exit code, stderr in `warnings`.
  int import(const std::string& deployment_config, const std::string& out, std::string& warnings) {
    const std::string err = (dir_ / "stderr").string();
    auto r = run_command({"sh", "-c",
                          std::string(KILN_CLI) + " import --name myservice --ic " +
                              (dir_ / "inferenceconfig.json").string() + " --dc " +
                              (dir_ / deployment_config).string() +
                              " --model diabetes=https://example.com/sklearn_regression_model.pkl"
                              " > " +
                              (dir_ / out).string() + " 2>" + err});
    std::ifstream in(err);
    warnings.assign(std::istreambuf_iterator<char>(in), {});
    return r.exit_code;
  }

  fs::path dir_;
};

TEST_F(ImportClusterTest, SeedInferenceConfigWithAksConfigIsAcceptedByTheApiServer) {
  std::string warnings;
  ASSERT_EQ(import("aks-deploymentconfig.json", "aks.yaml", warnings), 0) << warnings;
  EXPECT_NE(warnings.find("python=3.6.2 is older"), std::string::npos) << warnings;
  auto r = kubectl({"apply", "--dry-run=server", "-f", (dir_ / "aks.yaml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* created : {"model.kiln.dev/diabetes created (server dry run)",
                              "environment.kiln.dev/my-deploy-env created (server dry run)",
                              "configmap/myservice-script created (server dry run)",
                              "inferenceservice.kiln.dev/myservice created (server dry run)"}) {
    EXPECT_NE(r.output.find(created), std::string::npos) << created << "\n" << r.output;
  }
}

TEST_F(ImportClusterTest, AciConfigIsAcceptedByTheApiServer) {
  std::string warnings;
  ASSERT_EQ(import("aci-deploymentconfig.json", "aci.yaml", warnings), 0) << warnings;
  EXPECT_NE(warnings.find("sslEnabled: not mapped"), std::string::npos) << warnings;
  auto r = kubectl({"apply", "--dry-run=server", "-f", (dir_ / "aci.yaml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("inferenceservice.kiln.dev/myservice created (server dry run)"),
            std::string::npos)
      << r.output;
}

TEST_F(ImportClusterTest, MalformedDeploymentConfigExitsOneNamingTheField) {
  std::ofstream(dir_ / "bad.json") << R"({"computeType": "aks", "numReplicas": "three"})";
  std::string warnings;
  EXPECT_EQ(import("bad.json", "bad.yaml", warnings), 1);
  EXPECT_NE(warnings.find("bad.json: numReplicas: expected a whole number"), std::string::npos)
      << warnings;
}

}  // namespace
}  // namespace kiln::testing
