// Golden build contexts for the seeds' cases: default image + pip, the custom
// conda base image of the seeds' inferenceconfig.json, baseDockerfile,
// user-managed dependencies, extra requirements, and a ModelPackage.

#include <gtest/gtest.h>

#include "reconcilers/environment/environment_renderer.hpp"
#include "tests/unit/environment/golden.hpp"
#include "tests/unit/environment/seeds.hpp"

namespace kiln::reconcilers::environment {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

RenderOptions pinned_options() {
  RenderOptions options;
  options.default_base_image = "ghcr.io/kiln-dev/kiln-runtime@sha256:" + std::string(64, 'b');
  options.serve_wheels_image = "ghcr.io/kiln-dev/kiln-serve-wheels@sha256:" + std::string(64, 'c');
  return options;
}

void expect_context(const std::string& name, const RenderResult& result) {
  ASSERT_TRUE(result.ok()) << result.error;
  test::expect_golden(name, test::serialise(result.context));
}

TEST(RendererGolden, DefaultImageWithPipPackages) {
  api::EnvironmentSpec spec;
  spec.python = api::PythonSettings{};
  spec.python->pip = {"scikit-learn==1.4.2", "inference-schema[numpy-support]", "joblib"};
  spec.env = {{"OMP_NUM_THREADS", "1"}};
  expect_context("default_pip.txt", render_environment(spec, pinned_options()));
}

TEST(RendererGolden, SeedInferenceConfigCondaBaseImage) {
  auto spec = test::seed_inferenceconfig_environment();
  expect_context("seed_inferenceconfig.txt",
                 render_environment(spec, pinned_options(),
                                    "mcr.microsoft.com/azureml/o16n-sample-user-base/"
                                    "ubuntu-miniconda@" +
                                        kDigest));
}

TEST(RendererGolden, SeedBaseDockerfileWithConda) {
  api::EnvironmentSpec spec;
  spec.base_dockerfile = test::seed_base_dockerfile();
  api::PythonSettings python;
  python.conda_dependencies = api::CondaDependencies{
      {"conda-forge"}, {"python=3.11", "numpy=1.26"}, {"scikit-learn==1.4.2"}};
  spec.python = python;
  expect_context("seed_base_dockerfile.txt", render_environment(spec, pinned_options()));
}

TEST(RendererGolden, CustomBaseImageWithPip) {
  api::EnvironmentSpec spec;
  spec.base_image = "python:3.13-slim";
  spec.python = api::PythonSettings{};
  spec.python->pip = {"scikit-learn==1.5.2"};
  spec.python->pip_index_url = "https://pypi.mirror.internal/simple";
  expect_context("custom_base_pip.txt",
                 render_environment(spec, pinned_options(), "python@" + kDigest));
}

TEST(RendererGolden, UserManagedDependencies) {
  api::EnvironmentSpec spec;
  spec.base_image = "myregistry.azurecr.io/team/sklearn-base:2.0";
  spec.python = api::PythonSettings{};
  spec.python->user_managed_dependencies = true;
  spec.env = {{"MODEL_FLAVOUR", "say \"hi\" to $HOME"}};
  expect_context("user_managed.txt",
                 render_environment(spec, pinned_options(),
                                    "myregistry.azurecr.io/team/sklearn-base@" + kDigest));
}

TEST(RendererGolden, ExtraRequirementsAtBoot) {
  api::EnvironmentSpec spec;
  spec.extra_requirements =
      api::ExtraRequirements{"requirements.txt", "myenv/lib/python3.7/site-packages"};
  expect_context("extra_requirements.txt", render_environment(spec, pinned_options()));
}

TEST(RendererGolden, ModelPackageOfTheSeedsDiabetesModel) {
  api::EnvironmentSpec spec;
  spec.python = api::PythonSettings{};
  spec.python->pip = {"scikit-learn==1.4.2"};
  PackageSources sources;
  sources.files = {{"score.py", "def init():\n    pass\n\n\ndef run(data):\n    return data\n"},
                   {"util/helpers.py", "X = 1\n"}};
  std::vector<PackagedModel> models = {
      {"sklearn_regression_model.pkl", 1,
       "registry.kiln.svc:5000/models/default/diabetes@" + kDigest}};
  expect_context("model_package.txt",
                 render_model_package(spec, models, sources, pinned_options()));
}

}  // namespace
}  // namespace kiln::reconcilers::environment
