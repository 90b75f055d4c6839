// render_package_on_image: the package's Dockerfile on the Environment's image.

#include <gtest/gtest.h>

#include "reconcilers/environment/content_tag.hpp"
#include "reconcilers/environment/environment_renderer.hpp"

namespace kiln::reconcilers::environment {
namespace {

constexpr const char* kEnvImage =
    "registry:5000/kiln/environments@sha256:"
    "1111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kModelImage =
    "registry:5000/models/ns/diabetes@sha256:"
    "2222222222222222222222222222222222222222222222222222222222222222";

PackageSources score_py() {
  PackageSources sources;
  sources.entry_script = "score.py";
  sources.files = {{"score.py", "def init(): pass\ndef run(d): return d\n"},
                   {"helpers.py", "X = 1\n"}};
  return sources;
}

TEST(PackageRender, OnTheEnvironmentImageExactly) {
  auto result = render_package_on_image(kEnvImage, {{"diabetes", 2, kModelImage}}, score_py(),
                                        RenderOptions{});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.context.dockerfile(),
            std::string("# Rendered by Kiln from a ModelPackage (kiln-serve 0.1.0) on its "
                        "Environment's image.\n"
                        "FROM ") +
                kEnvImage + "\nCOPY --from=" + kModelImage +
                " / /var/azureml-app/azureml-models/diabetes/2/\n"
                "COPY app/ /var/azureml-app/\n"
                "ENV AZUREML_ENTRY_SCRIPT=\"score.py\"\n"
                "ENV AZUREML_MODEL_DIR=\"/var/azureml-app/azureml-models/diabetes/2\"\n"
                "ENV AML_APP_ROOT=\"/var/azureml-app\"\n"
                "WORKDIR /var/azureml-app\n");
  EXPECT_EQ(result.context.files.at("app/score.py"), "def init(): pass\ndef run(d): return d\n");
  EXPECT_EQ(result.context.files.at("app/helpers.py"), "X = 1\n");
  EXPECT_EQ(result.context.files.size(), 3u);
}

TEST(PackageRender, SeveralModelsShareTheModelsDirectory) {
  auto result = render_package_on_image(kEnvImage, {{"a", 1, kModelImage}, {"b", 3, kModelImage}},
                                        score_py(), RenderOptions{});
  ASSERT_TRUE(result.ok()) << result.error;
  const auto& d = result.context.dockerfile();
  EXPECT_NE(d.find("/var/azureml-app/azureml-models/a/1/\n"), std::string::npos);
  EXPECT_NE(d.find("/var/azureml-app/azureml-models/b/3/\n"), std::string::npos);
  EXPECT_NE(d.find("ENV AZUREML_MODEL_DIR=\"/var/azureml-app/azureml-models\"\n"),
            std::string::npos);
}

TEST(PackageRender, RefusesAnEnvironmentImageWithoutDigestAndBadSources) {
  auto result = render_package_on_image("registry:5000/kiln/environments:latest", {}, score_py(),
                                        RenderOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("has no digest"), std::string::npos);
  auto sources = score_py();
  sources.entry_script = "main.py";
  result = render_package_on_image(kEnvImage, {}, sources, RenderOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("main.py is not in the source directory"), std::string::npos);
  sources = score_py();
  sources.files["../x.py"] = "";
  EXPECT_FALSE(render_package_on_image(kEnvImage, {}, sources, RenderOptions{}).ok());
}

TEST(PackageRender, TagChangesWithScriptModelAndEnvironmentOnly) {
  auto tag = [](const std::string& env, const PackagedModel& model, const PackageSources& s) {
    auto r = render_package_on_image(env, {model}, s, RenderOptions{});
    EXPECT_TRUE(r.ok()) << r.error;
    return content_tag({r.context, env.substr(env.find('@') + 1), "0.1.0"});
  };
  const PackagedModel model{"diabetes", 1, kModelImage};
  const std::string base = tag(kEnvImage, model, score_py());
  EXPECT_EQ(tag(kEnvImage, model, score_py()), base);  // deterministic
  auto edited = score_py();
  edited.files["score.py"] += "# edited\n";
  EXPECT_NE(tag(kEnvImage, model, edited), base);
  EXPECT_NE(tag(kEnvImage, {"diabetes", 2, kModelImage}, score_py()), base);
  std::string other_env = kEnvImage;
  other_env.back() = '3';
  EXPECT_NE(tag(other_env, model, score_py()), base);
}

}  // namespace
}  // namespace kiln::reconcilers::environment
