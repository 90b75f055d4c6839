// A v1 entry script calling Model.get_model_path(name), served unchanged by
// kiln-serve, finds its model in the layout Kiln mounts (one model:
// AZUREML_MODEL_DIR = <app>/azureml-models/<name>/<version>; several:
// AZUREML_MODEL_DIR = <app>/azureml-models), with kiln-serve's own
// azureml.core.model when azureml-core is absent and with the real
// azureml-core when the environment has it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/server/http_client.hpp"
#include "tests/integration/server/serve_process.hpp"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// <app>/azureml-models/<name>/<version>/<file> holding `content`.
void place_model(const fs::path& app, const std::string& name, int version, const std::string& file,
                 const std::string& content) {
  fs::path dir = app / "azureml-models" / name / std::to_string(version);
  fs::create_directories(dir);
  std::ofstream(dir / file) << content << "\n";
}

class ModelPath : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    with_azureml_core_ = GetParam();
    if (with_azureml_core_) {
      venv_ = KILN_SERVE_TEST_AZUREML_CORE_VENV;
      if (!fs::exists(fs::path(venv_) / "bin" / "python")) {
        GTEST_SKIP() << "no virtualenv with azureml-core at " << venv_
                     << " (tests/integration/server/model_path/make_azureml_core_venv.sh)";
      }
    }
    app_ = fs::temp_directory_path() /
           ("kiln-model-path-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(app_);
    fs::create_directories(app_);
  }
  void TearDown() override {
    if (!app_.empty()) fs::remove_all(app_);
  }

  // Serves the model_path script; returns what run() reports.
  json serve(const std::string& model_dir, const std::string& names) {
    std::map<std::string, std::string> env = {
        {"AZUREML_ENTRY_SCRIPT", scripts_dir() + "/model_path/score.py"},
        {"AML_APP_ROOT", app_.string()},
        {"AZUREML_MODEL_DIR", model_dir},
        {"KILN_TEST_MODEL_NAMES", names}};
    if (with_azureml_core_) env["VIRTUAL_ENV"] = venv_;
    ServeProcess s(env, "model-path");
    EXPECT_TRUE(s.wait_ready()) << s.log();
    auto r = http_request("POST", s.url("/score"), "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body << s.log();
    EXPECT_EQ(s.stop(), 0) << s.log();
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    if (!j.is_discarded()) {
      EXPECT_EQ(j["azureml.core.model"], with_azureml_core_ ? "azureml-core" : "kiln-serve");
    }
    return j;
  }

  bool with_azureml_core_ = false;
  std::string venv_;
  fs::path app_;
  static inline int counter_ = 0;
};

TEST_P(ModelPath, OneModelIsFoundByName) {
  place_model(app_, "diabetes", 1, "model.pkl", "version one");
  place_model(app_, "diabetes", 2, "model.pkl", "version two");
  auto models = app_ / "azureml-models";
  auto j = serve((models / "diabetes" / "2").string(), "diabetes");
  // The highest version, the one file in its folder.
  EXPECT_EQ(j["models"]["diabetes"]["path"], (models / "diabetes" / "2" / "model.pkl").string());
  EXPECT_EQ(j["models"]["diabetes"]["content"], "version two");
}

TEST_P(ModelPath, TwoModelsAreFoundByName) {
  place_model(app_, "regressor", 3, "ridge.pkl", "the regressor");
  place_model(app_, "scaler", 1, "scaler.json", "the scaler");
  auto models = app_ / "azureml-models";
  auto j = serve(models.string(), "regressor,scaler");
  EXPECT_EQ(j["models"]["regressor"]["path"], (models / "regressor" / "3" / "ridge.pkl").string());
  EXPECT_EQ(j["models"]["regressor"]["content"], "the regressor");
  EXPECT_EQ(j["models"]["scaler"]["path"], (models / "scaler" / "1" / "scaler.json").string());
  EXPECT_EQ(j["models"]["scaler"]["content"], "the scaler");
}

// A model that is not there fails init() (exit 3), as it would in Azure ML.
TEST_P(ModelPath, AMissingModelFailsInit) {
  place_model(app_, "present", 1, "m.txt", "x");
  std::map<std::string, std::string> env = {
      {"AZUREML_ENTRY_SCRIPT", scripts_dir() + "/model_path/score.py"},
      {"AML_APP_ROOT", app_.string()},
      {"AZUREML_MODEL_DIR", (app_ / "azureml-models").string()},
      {"KILN_TEST_MODEL_NAMES", "absent"}};
  if (with_azureml_core_) env["VIRTUAL_ENV"] = venv_;
  ServeProcess s(env, "model-path-missing");
  EXPECT_EQ(s.wait_exit(std::chrono::seconds(120)), 3) << s.log();
  EXPECT_NE(s.log().find("Model absent not found in cache at"), std::string::npos) << s.log();
}

INSTANTIATE_TEST_SUITE_P(AzuremlCore, ModelPath, ::testing::Values(false, true),
                         [](const auto& info) {
                           return info.param ? std::string("WithAzuremlCore")
                                             : std::string("WithoutAzuremlCore");
                         });

}  // namespace
}  // namespace kiln::testing
