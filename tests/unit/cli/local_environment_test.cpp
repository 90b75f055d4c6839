// kiln serve --environment: what of an Environment runs locally, and the
// virtualenv cache key.

#include "cli/local_environment.hpp"

#include <gtest/gtest.h>

namespace kiln::cli {
namespace {

TEST(LocalEnvironment, PipAndCondaPipPackagesEnvAndWarnings) {
  api::EnvironmentSpec spec;
  spec.base_image = "mcr.microsoft.com/azureml/o16n-sample-user-base/ubuntu-miniconda";
  api::PythonSettings py;
  py.conda_dependencies =
      api::CondaDependencies{{"conda-forge"}, {"python=3.8", "numpy=1.26"}, {"scikit-learn"}};
  py.pip_index_url = "https://pypi.example.com/simple";
  spec.python = py;
  spec.env = {{"A", "1"}};
  auto local = local_environment(spec, "3.11");
  EXPECT_EQ(local.pip, std::vector<std::string>{"scikit-learn"});
  EXPECT_EQ(local.index_url, "https://pypi.example.com/simple");
  EXPECT_EQ(local.env.at("A"), "1");
  auto has = [&](const std::string& part) {
    for (const auto& w : local.warnings) {
      if (w.find(part) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("baseImage"));
  EXPECT_TRUE(has("numpy=1.26 is a conda package"));
  EXPECT_TRUE(has("pins Python 3.8"));
  EXPECT_FALSE(has("python=3.8 is a conda package"));
}

TEST(LocalEnvironment, KeyChangesWithPackagesIndexAndPython) {
  LocalEnvironment a;
  a.pip = {"scikit-learn==1.9.1"};
  LocalEnvironment b = a;
  EXPECT_EQ(virtualenv_key(a, "/usr/bin/python3@3.11"), virtualenv_key(b, "/usr/bin/python3@3.11"));
  b.pip.push_back("joblib");
  EXPECT_NE(virtualenv_key(a, "/usr/bin/python3@3.11"), virtualenv_key(b, "/usr/bin/python3@3.11"));
  b = a;
  b.index_url = "file:///x";
  EXPECT_NE(virtualenv_key(a, "/usr/bin/python3@3.11"), virtualenv_key(b, "/usr/bin/python3@3.11"));
  EXPECT_NE(virtualenv_key(a, "/usr/bin/python3@3.11"), virtualenv_key(a, "/usr/bin/python3@3.12"));
}

}  // namespace
}  // namespace kiln::cli
