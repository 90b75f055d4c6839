// Model files as an image volume on the real node (containerd >= 2.1, on by
// default in Kubernetes 1.35): a one-layer OCI image pushed to the node's
// registry mounts read-only into a pod; a second pod on the node mounts it
// from the runtime's cache, fetching no byte of the layer again (counted in
// the registry's access log).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {
namespace {

class ImageVolumeTest : public RealNodeTest {
 protected:
  static nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  }

  std::string reader_pod(const std::string& name, const std::string& reference) const {
    auto container = script_container("main", "exec sleep 3600");
    container["volumeMounts"] = {{{"name", "model"}, {"mountPath", "/model"}, {"readOnly", true}}};
    nlohmann::json pod = {
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata", {{"name", name}}},
        {"spec",
         on_real_node(
             {{"containers", {container}},
              {"volumes",
               {{{"name", "model"},
                 {"image", {{"reference", reference}, {"pullPolicy", "IfNotPresent"}}}}}}})}};
    return pod.dump();
  }
};

TEST_F(ImageVolumeTest, SecondPodOnTheNodeFetchesNoModelBytes) {
  // A model image: one layer holding model.txt (200 kB, unique to this test).
  const auto work = std::filesystem::temp_directory_path() / ("kiln-" + ns());
  std::filesystem::create_directories(work);
  std::string model;
  while (model.size() < 200000) model += ns() + " weights\n";
  std::ofstream(work / "model.txt") << model;
  auto r = host({"python3", KILN_OCI_IMAGE_PY, "build", "--out", (work / "layout").string(),
                 "--file", (work / "model.txt").string() + ":/model.txt:644"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string repository = "models/" + ns() + "/diabetes";
  r = host({"python3", KILN_OCI_IMAGE_PY, "push", (work / "layout").string(),
            registry() + "/" + repository + ":1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string digest = r.output.substr(0, r.output.find('\n'));
  const auto blobs = work / "layout" / "blobs" / "sha256";
  const auto layer = read_json(blobs / digest.substr(7))["layers"][0]["digest"].get<std::string>();
  std::filesystem::remove_all(work);
  const std::string reference = registry() + "/" + repository + "@" + digest;
  EXPECT_EQ(blob_fetches(repository, layer), 0);

  apply(reader_pod("first", reference));
  ASSERT_TRUE(wait_ready("first"));
  r = exec("first", "wc -c < /model/model.txt; touch /model/x 2>&1 || echo read-only");
  EXPECT_NE(r.output.find(std::to_string(model.size())), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("read-only"), std::string::npos) << r.output;
  EXPECT_EQ(blob_fetches(repository, layer), 1);

  apply(reader_pod("second", reference));
  ASSERT_TRUE(wait_ready("second"));
  r = exec("second", "wc -c < /model/model.txt");
  EXPECT_NE(r.output.find(std::to_string(model.size())), std::string::npos) << r.output;
  EXPECT_EQ(blob_fetches(repository, layer), 1) << "the second pod fetched the layer again";
}

}  // namespace
}  // namespace kiln::testing
