#include "operator/oci/image_manifest.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "operator/oci/digest.hpp"

namespace kiln::oci {
namespace {

TEST(Digest, KnownValues) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.update("ab");
  h.update("c");
  EXPECT_EQ(h.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_sha256_digest(sha256_digest(sha256_hex("x"))));
  EXPECT_FALSE(is_sha256_digest("sha256:ABC"));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'A')));
}

TEST(ImageManifest, DeterministicAndRoundTrips) {
  const std::string layer = sha256_digest(sha256_hex("layer"));
  const std::string config = single_layer_config(layer);
  EXPECT_EQ(config, single_layer_config(layer));
  auto cj = nlohmann::json::parse(config);
  EXPECT_EQ(cj["os"], "linux");
  EXPECT_EQ(cj["architecture"], "amd64");
  EXPECT_EQ(cj["rootfs"]["diff_ids"][0], layer);

  Descriptor c{std::string(kOciConfig), sha256_digest(sha256_hex(config)), config.size()};
  Descriptor l{std::string(kOciLayerTar), layer, 5};
  const std::string m = image_manifest(c, {l}, {{"dev.kiln.content.sha256", "abc"}});
  EXPECT_EQ(m, image_manifest(c, {l}, {{"dev.kiln.content.sha256", "abc"}}));
  ImageManifest parsed = parse_image_manifest(m);
  EXPECT_EQ(parsed.media_type, kOciManifest);
  EXPECT_EQ(parsed.config.digest, c.digest);
  ASSERT_EQ(parsed.layers.size(), 1u);
  EXPECT_EQ(parsed.layers[0].digest, layer);
  EXPECT_EQ(parsed.layers[0].size, 5u);
  EXPECT_EQ(parsed.annotations.at("dev.kiln.content.sha256"), "abc");
}

TEST(ImageManifest, RejectsIndexesAndGarbage) {
  EXPECT_THROW(parse_image_manifest("nope"), InvalidManifest);
  EXPECT_THROW(parse_image_manifest(R"({"mediaType":"application/vnd.oci.image.index.v1+json",
                                       "manifests":[]})"),
               InvalidManifest);
  EXPECT_THROW(parse_image_manifest(R"({"schemaVersion":2,"layers":[]})"), InvalidManifest);
  EXPECT_THROW(parse_image_manifest(R"({"config":{"digest":"sha256:x","size":1},"layers":[]})"),
               InvalidManifest);
  EXPECT_THROW(parse_image_manifest(R"({"config":{"digest":"sha256:x","size":-1},"layers":[]})"),
               InvalidManifest);
}

}  // namespace
}  // namespace kiln::oci
