// kiln package writes exactly the operator's build input: the files a
// ModelPackage build's context ConfigMap delivers into the kaniko Job (keys
// mapped back to paths through the Job's volume items), byte for byte, no
// more and no fewer. Without a container builder on the machine, --image
// says so and exits 3.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/package_command.hpp"
#include "reconcilers/environment/build_job.hpp"
#include "reconcilers/environment/content_tag.hpp"
#include "tests/support/command.hpp"
#include "tests/unit/cli/temp_dir.hpp"

namespace kiln::cli {
namespace {

namespace fs = std::filesystem;
namespace env = reconcilers::environment;
using nlohmann::json;

const std::string kDigest = "sha256:" + std::string(64, 'a');

std::map<std::string, std::string> files_under(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    files[fs::relative(e.path(), dir).generic_string()] = s.str();
  }
  return files;
}

// What the build Job's pod sees in its context volume.
std::map<std::string, std::string> operator_build_input(const env::BuildContext& context) {
  const std::string repository = "registry.kiln-system:5000/kiln/packages";
  const std::string tag = env::content_tag({context, "", "0.1.0"});
  env::BuildJobOptions options;
  const json config_map = env::build_context_config_map(repository, tag, context, options);
  const json job = env::build_job(tag, context, repository, std::nullopt, options);
  std::map<std::string, std::string> files;
  for (const auto& volume : job["spec"]["template"]["spec"]["volumes"]) {
    if (!volume.contains("configMap")) continue;
    for (const auto& item : volume["configMap"]["items"]) {
      files[item["path"]] = config_map["data"][item["key"].get<std::string>()];
    }
  }
  return files;
}

TEST(KilnPackage, DirectoryEqualsTheOperatorsBuildInputByteForByte) {
  test::TempDir dir;
  dir.write("src/score.py",
            "import joblib\n\ndef init():\n    pass\n\ndef run(x):\n    return x\n");
  dir.write("src/utils/helpers.py", "X = 1\n");
  dir.write("src/data.bin", std::string("\0\x01\xff binary", 10));
  const std::string env_file =
      dir.write("environment.yaml",
                "apiVersion: kiln.dev/v1alpha1\nkind: Environment\nmetadata: {name: e}\n"
                "spec:\n  python:\n    pip: [scikit-learn==1.9.1, joblib]\n  env:\n"
                "    - {name: OMP_NUM_THREADS, value: \"1\"}\n");
  const std::string model = "diabetes:3=registry.kiln-system:5000/models/ml/diabetes@" + kDigest;
  auto r =
      testing::run_command({KILN_CLI, "package", "-d", (dir.path() / "out").string(), "-m", model,
                            "-e", env_file, "--source-dir", (dir.path() / "src").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // The operator's side: the same renderer with the same inputs.
  api::EnvironmentSpec spec;
  spec.python = api::PythonSettings{};
  spec.python->pip = std::vector<std::string>{"scikit-learn==1.9.1", "joblib"};
  spec.env = {{"OMP_NUM_THREADS", "1"}};
  env::PackageSources sources;
  sources.files = read_source_dir((dir.path() / "src").string());
  auto rendered =
      env::render_model_package(spec, {parse_packaged_model(model)}, sources, env::RenderOptions{});
  ASSERT_TRUE(rendered.ok()) << rendered.error;
  const auto expected = operator_build_input(rendered.context);
  EXPECT_EQ(files_under(dir.path() / "out"), expected);
  EXPECT_EQ(expected.size(), 5u);  // Dockerfile, requirements.txt, three sources
  EXPECT_NE(expected.at("Dockerfile")
                .find("COPY --from=registry.kiln-system:5000/models/ml/"
                      "diabetes@" +
                      kDigest + " / /var/azureml-app/azureml-models/diabetes/3/"),
            std::string::npos);
}

TEST(KilnPackage, NoBuilderIsAClearError) {
  test::TempDir dir;
  dir.write("src/score.py", "def run(x):\n    return x\n");
  auto r = testing::run_command({"env", "PATH=" + dir.path().string(), KILN_CLI, "package", "-d",
                                 (dir.path() / "out").string(), "-m",
                                 "m=r.example.com/m@" + kDigest, "--source-dir",
                                 (dir.path() / "src").string(), "--image", "r.example.com/pkg:1"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("no container builder found"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir.path() / "out/Dockerfile"));
}

TEST(KilnPackage, BadInputsNameTheFlag) {
  test::TempDir dir;
  dir.write("src/other.py", "");
  auto r = testing::run_command({KILN_CLI, "package", "-d", (dir.path() / "out").string(), "-m",
                                 "m=r.example.com/m@" + kDigest, "--source-dir",
                                 (dir.path() / "src").string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("entry script score.py is not in the source directory"),
            std::string::npos)
      << r.output;
  r = testing::run_command({KILN_CLI, "package", "-d", (dir.path() / "out").string(), "-m",
                            "m=r.example.com/m:latest", "--source-dir",
                            (dir.path() / "src").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("pinned by digest"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kiln::cli
