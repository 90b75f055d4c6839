// The renderer's rules beyond the golden files: determinism, errors, quoting.

#include <gtest/gtest.h>

#include "reconcilers/environment/base_dockerfile.hpp"
#include "reconcilers/environment/dockerfile_text.hpp"
#include "reconcilers/environment/environment_renderer.hpp"
#include "reconcilers/environment/python_setup.hpp"
#include "tests/unit/environment/seeds.hpp"

namespace kiln::reconcilers::environment {
namespace {

TEST(Renderer, SameSpecRendersTheSameBytes) {
  auto spec = test::seed_inferenceconfig_environment();
  auto a = render_environment(spec, RenderOptions{});
  auto b = render_environment(spec, RenderOptions{});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.context, b.context);
}

TEST(Renderer, ChoosesThePythonSetupFromTheSpec) {
  api::EnvironmentSpec spec;
  EXPECT_EQ(choose_python_setup(spec), PythonSetup::runtime_venv);
  spec.base_image = "python:3.11";
  EXPECT_EQ(choose_python_setup(spec), PythonSetup::base_venv);
  EXPECT_EQ(choose_python_setup(test::seed_inferenceconfig_environment()), PythonSetup::conda_env);
  spec.python = api::PythonSettings{};
  spec.python->user_managed_dependencies = true;
  EXPECT_EQ(choose_python_setup(spec), PythonSetup::user_managed);
}

TEST(Renderer, FindsThePythonPinnedByCondaOrVersion) {
  EXPECT_EQ(pinned_python_version(test::seed_inferenceconfig_environment()), "3.6.2");
  api::EnvironmentSpec spec;
  spec.python = api::PythonSettings{};
  spec.python->conda_dependencies = api::CondaDependencies{{}, {"python-dateutil", "numpy"}, {}};
  EXPECT_EQ(pinned_python_version(spec), std::nullopt);
  spec.python->version = "3.12";
  EXPECT_EQ(pinned_python_version(spec), "3.12");
  spec.python->conda_dependencies->dependencies.push_back("python>=3.9");
  EXPECT_EQ(pinned_python_version(spec), "3.9");
}

TEST(Renderer, AnUnsupportedPinnedPythonIsRefusedBeforeAnyBuild) {
  auto seed = test::seed_inferenceconfig_environment();  // python=3.6.2
  auto problem = unsupported_python(seed);
  EXPECT_NE(problem.find("Python 3.6.2"), std::string::npos) << problem;
  EXPECT_NE(problem.find("3.8 to 3.13"), std::string::npos) << problem;
  seed.python->conda_dependencies->dependencies = {"python=3.11"};
  EXPECT_EQ(unsupported_python(seed), "");
  seed.python->conda_dependencies->dependencies = {"python=3.14"};
  EXPECT_NE(unsupported_python(seed), "");
  EXPECT_EQ(unsupported_python(api::EnvironmentSpec{}), "")
      << "nothing pinned: checked at build time";
}

TEST(Renderer, AddsPythonToACondaEnvironmentThatPinsNone) {
  api::EnvironmentSpec spec;
  spec.base_image = "continuumio/miniconda3";
  spec.python = api::PythonSettings{};
  spec.python->version = "3.12";
  spec.python->conda_dependencies = api::CondaDependencies{{}, {"numpy"}, {"requests"}};
  auto result = render_environment(spec, RenderOptions{});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.context.files.at("kiln/conda.yml"),
            "name: kiln\ndependencies:\n  - \"python=3.12\"\n  - \"numpy\"\n  - \"pip\"\n"
            "  - pip:\n      - \"requests\"\n");
}

TEST(Renderer, CondaFileIsUsedAsWritten) {
  api::EnvironmentSpec spec;
  spec.base_image = "continuumio/miniconda3";
  spec.python = api::PythonSettings{};
  spec.python->conda_file = "name: myenv\ndependencies:\n  - python=3.11\n";
  auto result = render_environment(spec, RenderOptions{});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.context.files.at("kiln/conda.yml"), *spec.python->conda_file);
}

TEST(Renderer, DefaultImageRefusesAnotherPythonVersionWithAFix) {
  api::EnvironmentSpec spec;
  spec.python = api::PythonSettings{};
  spec.python->version = "3.8";
  auto result = render_environment(spec, RenderOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("python:3.8-slim"), std::string::npos) << result.error;
  spec.python->version = "3.11.7";
  EXPECT_TRUE(render_environment(spec, RenderOptions{}).ok());
}

TEST(Renderer, EnvironmentValueWithANewlineIsAClearError) {
  api::EnvironmentSpec spec;
  spec.env = {{"GREETING", "two\nlines"}};
  auto result = render_environment(spec, RenderOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("GREETING"), std::string::npos);
}

TEST(Renderer, BaseImageIsPinnedWhenResolved) {
  api::EnvironmentSpec spec;
  spec.base_image = "python:3.11-slim";
  auto unpinned = render_environment(spec, RenderOptions{});
  auto pinned = render_environment(spec, RenderOptions{}, "python@sha256:" + std::string(64, '1'));
  EXPECT_NE(unpinned.context.dockerfile().find("\nFROM python:3.11-slim\n"), std::string::npos);
  EXPECT_NE(pinned.context.dockerfile().find("\nFROM python@sha256:111"), std::string::npos);
}

TEST(Renderer, APlainHttpIndexIsTrustedByHostName) {
  api::EnvironmentSpec spec;
  spec.python = api::PythonSettings{};
  spec.python->pip = std::vector<std::string>{"scikit-learn"};
  RenderOptions options;
  options.pip_index_url = "http://10.245.0.1:5080/simple";
  auto result = render_environment(spec, options);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result.context.dockerfile().find(
                "--index-url 'http://10.245.0.1:5080/simple' --trusted-host '10.245.0.1' -r"),
            std::string::npos)
      << result.context.dockerfile();
  options.pip_index_url = "https://pypi.mirror.internal/simple";
  EXPECT_EQ(render_environment(spec, options).context.dockerfile().find("--trusted-host"),
            std::string::npos);
}

TEST(Renderer, UserManagedAddsNothingButKilnServe) {
  api::EnvironmentSpec spec;
  spec.base_image = "python:3.11";
  spec.python = api::PythonSettings{};
  spec.python->user_managed_dependencies = true;
  auto result = render_environment(spec, RenderOptions{});
  ASSERT_TRUE(result.ok());
  const auto& dockerfile = result.context.dockerfile();
  EXPECT_EQ(dockerfile.find("pip install"), std::string::npos);
  EXPECT_EQ(dockerfile.find("venv"), std::string::npos);
  EXPECT_EQ(dockerfile.find("VIRTUAL_ENV"), std::string::npos);
  EXPECT_NE(dockerfile.find("base_python.sh exec /opt/kiln/context/install_serve.py"),
            std::string::npos);
  EXPECT_FALSE(result.context.files.contains("kiln/requirements.txt"));
}

TEST(Renderer, ModelPackageRefusesPathsOutsideTheSourceDirectory) {
  PackageSources sources;
  sources.files = {{"score.py", "x"}, {"../etc/passwd", "x"}};
  auto result = render_model_package({}, {}, sources, RenderOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("../etc/passwd"), std::string::npos);
  sources.files = {{"main.py", "x"}};
  result = render_model_package({}, {}, sources, RenderOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("score.py is not in the source directory"), std::string::npos);
}

TEST(BaseDockerfile, NamesTheLastStageOrKeepsItsName) {
  auto stage = name_last_stage("FROM a AS build\nRUN x\nfrom b\nRUN y\n");
  EXPECT_EQ(stage.stage_name, "kiln-base");
  EXPECT_EQ(stage.dockerfile, "FROM a AS build\nRUN x\nfrom b AS kiln-base\nRUN y\n");
  stage = name_last_stage("FROM a as final\n");
  EXPECT_EQ(stage.stage_name, "final");
  EXPECT_EQ(stage.dockerfile, "FROM a as final\n");
  EXPECT_FALSE(name_last_stage("RUN true\n").error.empty());
}

TEST(DockerfileText, QuotesValuesSoTheBuilderReadsThemBack) {
  EXPECT_EQ(env_value("a b"), "\"a b\"");
  EXPECT_EQ(env_value("say \"hi\" $HOME \\"), "\"say \\\"hi\\\" \\$HOME \\\\\"");
  EXPECT_EQ(env_value("x\ny"), std::nullopt);
  EXPECT_EQ(exec_form({"/bin/x", "a \"b\""}), "[\"/bin/x\",\"a \\\"b\\\"\"]");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

}  // namespace
}  // namespace kiln::reconcilers::environment
