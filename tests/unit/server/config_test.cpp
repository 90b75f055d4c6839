#include "server/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kiln::serve {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kiln-config-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "app" / "src");
    std::ofstream(dir_ / "app" / "src" / "score.py") << "def init(): pass\n";
    std::ofstream(dir_ / "app" / "src" / "requirements.txt") << "numpy\n";
    std::ofstream(dir_ / "local.py") << "def init(): pass\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ConfigTest, DefaultsFollowAzureMl) {
  auto c = config_from_environment({{"AZUREML_ENTRY_SCRIPT", (dir_ / "local.py").string()}}, "/");
  EXPECT_EQ(c.port, 5001);
  EXPECT_EQ(c.worker_count, 1);
  EXPECT_EQ(c.scoring_timeout.count(), 3'600'000);
  EXPECT_EQ(c.app_root, "/var/azureml-app");
  EXPECT_FALSE(c.auth_enabled());
  EXPECT_FALSE(c.debug);
  EXPECT_EQ(c.script_dir, dir_.string());
}

TEST_F(ConfigTest, EntryScriptIsRelativeToTheAppRootThenTheWorkingDirectory) {
  auto c = config_from_environment(
      {{"AML_APP_ROOT", (dir_ / "app").string()}, {"AZUREML_ENTRY_SCRIPT", "src/score.py"}}, "/");
  EXPECT_EQ(c.entry_script, (dir_ / "app" / "src" / "score.py").string());
  auto local = config_from_environment({{"AZUREML_ENTRY_SCRIPT", "local.py"}}, dir_.string());
  EXPECT_EQ(local.entry_script, (dir_ / "local.py").string());
  EXPECT_THROW(config_from_environment({{"AZUREML_ENTRY_SCRIPT", "missing.py"}}, dir_.string()),
               ConfigError);
}

TEST_F(ConfigTest, ExtraPathsAreRelativeToTheScriptsDirectory) {
  auto c = config_from_environment({{"AML_APP_ROOT", (dir_ / "app").string()},
                                    {"AZUREML_ENTRY_SCRIPT", "src/score.py"},
                                    {"AZUREML_EXTRA_REQUIREMENTS_TXT", "requirements.txt"},
                                    {"AZUREML_EXTRA_PYTHON_LIB_PATH", "../lib"}},
                                   "/");
  EXPECT_EQ(c.extra_requirements, (dir_ / "app" / "src" / "requirements.txt").string());
  EXPECT_EQ(c.extra_lib_path, (dir_ / "app" / "lib").string());
  EXPECT_THROW(config_from_environment({{"AZUREML_ENTRY_SCRIPT", (dir_ / "local.py").string()},
                                        {"AZUREML_EXTRA_REQUIREMENTS_TXT", "nope.txt"}},
                                       "/"),
               ConfigError);
}

TEST_F(ConfigTest, NumbersAreValidated) {
  Environment env{{"AZUREML_ENTRY_SCRIPT", (dir_ / "local.py").string()},
                  {"SERVER_PORT", "8080"},
                  {"WORKER_COUNT", "3"},
                  {"SCORING_TIMEOUT_MS", "250"},
                  {"KILN_MAX_BODY_BYTES", "1024"},
                  {"KILN_MAX_CONCURRENT_REQUESTS", "2"}};
  auto c = config_from_environment(env, "/");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.worker_count, 3);
  EXPECT_EQ(c.scoring_timeout.count(), 250);
  EXPECT_EQ(c.max_body_bytes, 1024u);
  EXPECT_EQ(c.max_concurrent_requests, 2);
  for (auto [name, bad] : {std::pair{"SERVER_PORT", "70000"},
                           {"WORKER_COUNT", "0"},
                           {"SCORING_TIMEOUT_MS", "soon"},
                           {"WORKER_COUNT", "2x"}}) {
    auto e = env;
    e[name] = bad;
    EXPECT_THROW(config_from_environment(e, "/"), ConfigError) << name << "=" << bad;
  }
}

TEST_F(ConfigTest, KeysDebugAndVirtualenv) {
  auto c = config_from_environment({{"AZUREML_ENTRY_SCRIPT", (dir_ / "local.py").string()},
                                    {"KILN_AUTH_KEYS_FILE", "keys.json"},
                                    {"KILN_DEBUG", "1"},
                                    {"KILN_STRICT_JSON", "true"},
                                    {"KILN_TLS_CERT_FILE", "tls/tls.crt"},
                                    {"KILN_TLS_KEY_FILE", "/tls/tls.key"},
                                    {"VIRTUAL_ENV", "/opt/venv"}},
                                   "/etc/kiln");
  EXPECT_TRUE(c.auth_enabled());
  EXPECT_EQ(c.keys_file, "/etc/kiln/keys.json");
  EXPECT_TRUE(c.debug);
  EXPECT_TRUE(c.strict_json);
  EXPECT_EQ(c.tls_cert_file, "/etc/kiln/tls/tls.crt");
  EXPECT_EQ(c.tls_key_file, "/tls/tls.key");
  EXPECT_EQ(c.python_executable, "/opt/venv/bin/python");
  auto explicit_python =
      config_from_environment({{"AZUREML_ENTRY_SCRIPT", (dir_ / "local.py").string()},
                               {"VIRTUAL_ENV", "/opt/venv"},
                               {"KILN_PYTHON", "/usr/bin/python3"}},
                              "/");
  EXPECT_EQ(explicit_python.python_executable, "/usr/bin/python3");
  EXPECT_FALSE(explicit_python.strict_json);
}

// A log level is not a reason to show clients exception text.
TEST_F(ConfigTest, DebugLogLevelDoesNotExposeErrors) {
  auto c = config_from_environment(
      {{"AZUREML_ENTRY_SCRIPT", (dir_ / "local.py").string()}, {"AZUREML_LOG_LEVEL", "DEBUG"}},
      "/");
  EXPECT_FALSE(c.debug);
}

TEST_F(ConfigTest, TlsNeedsBothCertificateAndKey) {
  EXPECT_THROW(config_from_environment({{"AZUREML_ENTRY_SCRIPT", (dir_ / "local.py").string()},
                                        {"KILN_TLS_CERT_FILE", "/tls/tls.crt"}},
                                       "/"),
               ConfigError);
}

}  // namespace
}  // namespace kiln::serve
