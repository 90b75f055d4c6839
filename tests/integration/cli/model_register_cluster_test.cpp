// kiln model register: local files pushed to a real registry (Debian's
// docker-registry) in kiln-fetch's format — `kiln-fetch pull` (its code)
// restores the same bytes — and the Model applied on the real API server with
// that image as its oci:// source; the version the Model controller records
// is printed, and registering the same file again pushes no blob.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fetch/pull_command.hpp"
#include "tests/integration/api/kiln_crd_test.hpp"
#include "tests/integration/oci/registry_process.hpp"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ModelRegisterClusterTest : public KilnCrdTest {
 protected:
  CommandResult kiln(std::vector<std::string> args) {
    args.insert(args.begin(), KILN_CLI);
    for (const std::string& extra :
         {std::string("--kubeconfig"), cluster().var("KUBECONFIG"), std::string("-n"), ns(),
          std::string("--registry"), registry_.host(), std::string("--registry-plain-http")}) {
      args.push_back(extra);
    }
    return run_command(args);
  }
  RegistryProcess registry_;
};

TEST_F(ModelRegisterClusterTest, PushesTheFilesAppliesTheModelAndPrintsItsVersion) {
  const std::string dir = make_temp_dir("kiln-register");
  const std::string model_file = dir + "/sklearn_regression_model.pkl";
  std::string bytes(300000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7919 % 251);
  std::ofstream(model_file, std::ios::binary) << bytes;

  auto r = kiln({"model", "register", "--name", "diabetes", "--path", model_file, "--tag",
                 "area=diabetes", "--description", "Ridge regression", "--no-wait"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json model = get_json({"model", "diabetes"});
  const std::string uri = model["spec"]["source"]["uri"];
  const std::string prefix = "oci://" + registry_.host() + "/models/" + ns() + "/diabetes@sha256:";
  ASSERT_EQ(uri.rfind(prefix, 0), 0u) << uri;
  EXPECT_EQ(model["spec"]["tags"]["area"], "diabetes");
  EXPECT_EQ(model["spec"]["description"], "Ridge regression");

  // The image holds the file, as kiln-fetch pull restores it.
  fetch::PullOptions pull;
  pull.image = uri.substr(6);
  pull.dest = dir + "/pulled";
  pull.registry_plain_http = true;
  fetch::run_pull(pull);
  std::ifstream in(dir + "/pulled/sklearn_regression_model.pkl", std::ios::binary);
  std::stringstream pulled;
  pulled << in.rdbuf();
  EXPECT_EQ(pulled.str(), bytes);

  // What the Model controller records once it has resolved the image.
  const std::string digest = uri.substr(uri.find('@') + 1);
  json status = {
      {"status",
       {{"version", 1},
        {"digest", digest},
        {"image", uri.substr(6)},
        {"versions", {{{"version", 1}, {"digest", digest}, {"image", uri.substr(6)}}}}}}};
  ASSERT_EQ(kubectl({"patch", "model", "diabetes", "--subresource=status", "--type=merge", "-p",
                     status.dump()})
                .exit_code,
            0);
  const int blob_puts = registry_.count_requests("PUT", "/blobs/");
  auto again =
      kiln({"model", "register", "--name", "diabetes", "--path", model_file, "--timeout", "20"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("Model " + ns() + "/diabetes version 1"), std::string::npos)
      << again.output;
  EXPECT_EQ(registry_.count_requests("PUT", "/blobs/"), blob_puts);
  fs::remove_all(dir);
}

TEST_F(ModelRegisterClusterTest, BadInputsExitWithTheirCodes) {
  auto missing = kiln({"model", "register", "--name", "m", "--path", "/nonexistent/model.pkl"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("--path /nonexistent/model.pkl: does not exist"),
            std::string::npos);
  const std::string dir = make_temp_dir("kiln-register");
  std::ofstream(dir + "/m.pkl") << "x";
  auto bad_name = kiln({"model", "register", "--name", "Bad_Name", "--path", dir + "/m.pkl"});
  EXPECT_EQ(bad_name.exit_code, 1) << bad_name.output;
  EXPECT_NE(bad_name.output.find("metadata.name"), std::string::npos) << bad_name.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kiln::testing
