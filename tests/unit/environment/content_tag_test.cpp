// The content tag changes exactly when an input that matters changes.

#include "reconcilers/environment/content_tag.hpp"

#include <gtest/gtest.h>

#include "reconcilers/environment/environment_renderer.hpp"
#include "tests/unit/environment/seeds.hpp"

namespace kiln::reconcilers::environment {
namespace {

const std::string kBase = "sha256:" + std::string(64, 'a');

std::string tag_of(const api::EnvironmentSpec& spec, const std::string& base_digest = kBase,
                   const RenderOptions& options = {}) {
  auto result = render_environment(spec, options);
  EXPECT_TRUE(result.ok()) << result.error;
  return content_tag({result.context, base_digest, options.serve_version});
}

TEST(ContentTag, IsAValidImageTagAndStable) {
  auto spec = test::seed_inferenceconfig_environment();
  auto tag = tag_of(spec);
  ASSERT_EQ(tag.size(), 45u) << tag;
  EXPECT_EQ(tag.substr(0, 5), "kiln-");
  EXPECT_EQ(tag.find_first_not_of("0123456789abcdef", 5), std::string::npos) << tag;
  EXPECT_EQ(tag, tag_of(spec));
}

TEST(ContentTag, KnownValueSoItNeverDriftsSilently) {
  BuildContext context;
  context.files = {{"Dockerfile", "FROM scratch\n"}};
  // Computed independently (Python hashlib over the same fields). A change here rebuilds every
  // image in every cluster: bump it only on purpose.
  EXPECT_EQ(content_digest({context, "", "0.1.0"}),
            "sha256:71585ffea2fdba2f9b0e7f586e3a4659d8dd453b960bbb326d38c6786d46cd93");
}

TEST(ContentTag, ChangesWithEveryInputThatMatters) {
  auto spec = test::seed_inferenceconfig_environment();
  const auto base = tag_of(spec);

  auto pip = spec;
  pip.python->conda_dependencies->pip.push_back("joblib");
  EXPECT_NE(tag_of(pip), base) << "a pip package";

  auto channel = spec;
  channel.python->conda_dependencies->channels = {"defaults"};
  EXPECT_NE(tag_of(channel), base) << "a conda channel";

  auto env = spec;
  env.env = {{"OMP_NUM_THREADS", "1"}};
  EXPECT_NE(tag_of(env), base) << "an environment variable";
  auto env2 = env;
  env2.env[0].value = "2";
  EXPECT_NE(tag_of(env2), tag_of(env)) << "an environment variable's value";

  auto image = spec;
  image.base_image = "continuumio/miniconda3";
  EXPECT_NE(tag_of(image), base) << "the base image's name";

  EXPECT_NE(tag_of(spec, "sha256:" + std::string(64, 'b')), base) << "the base image's digest";

  RenderOptions newer;
  newer.serve_version = "0.2.0";
  EXPECT_NE(tag_of(spec, kBase, newer), base) << "the kiln-serve version";

  RenderOptions mirror;
  mirror.pip_index_url = "https://mirror.internal/simple";
  EXPECT_NE(tag_of(spec, kBase, mirror), base) << "the package index";
}

TEST(ContentTag, IgnoresWhatDoesNotChangeTheImage) {
  auto spec = test::seed_inferenceconfig_environment();
  const auto base = tag_of(spec);
  auto build = spec;
  build.build = api::BuildSettings{1800, "registry.example.com/other", std::nullopt};
  EXPECT_EQ(tag_of(build), base)
      << "build settings (timeout, repository) do not change the content";
  auto registry = spec;
  registry.base_image_registry = api::RegistryCredentials{"mcr.microsoft.com", {"creds"}};
  EXPECT_EQ(tag_of(registry), base) << "pull credentials do not change the content";
}

TEST(ContentTag, FileBoundariesAreUnambiguous) {
  BuildContext a;
  a.files = {{"Dockerfile", "FROM x\n"}, {"a", "bc"}};
  BuildContext b;
  b.files = {{"Dockerfile", "FROM x\n"}, {"ab", "c"}};
  EXPECT_NE(content_digest({a, "", "1"}), content_digest({b, "", "1"}));
}

}  // namespace
}  // namespace kiln::reconcilers::environment
