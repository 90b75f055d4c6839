#include "operator/oci/image_reference.hpp"

#include <gtest/gtest.h>

namespace kiln::oci {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(ImageReference, HostPortPathTag) {
  auto r = ImageReference::parse("127.0.0.1:5000/models/ns/iris:v3");
  EXPECT_EQ(r.registry, "127.0.0.1:5000");
  EXPECT_EQ(r.repository, "models/ns/iris");
  EXPECT_EQ(r.tag, "v3");
  EXPECT_EQ(r.digest, "");
  EXPECT_EQ(r.reference(), "v3");
  EXPECT_EQ(r.to_string(), "127.0.0.1:5000/models/ns/iris:v3");
}

TEST(ImageReference, Digest) {
  auto r = ImageReference::parse("registry.example.com/a/b@" + kDigest);
  EXPECT_EQ(r.registry, "registry.example.com");
  EXPECT_EQ(r.repository, "a/b");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.reference(), kDigest);
  EXPECT_EQ(r.pinned(kDigest), "registry.example.com/a/b@" + kDigest);
}

TEST(ImageReference, TagAndDigest) {
  auto r = ImageReference::parse("localhost:5000/a:tag@" + kDigest);
  EXPECT_EQ(r.registry, "localhost:5000");
  EXPECT_EQ(r.repository, "a");
  EXPECT_EQ(r.tag, "tag");
  EXPECT_EQ(r.reference(), kDigest);
  EXPECT_EQ(r.to_string(), "localhost:5000/a:tag@" + kDigest);
}

TEST(ImageReference, NoTagMeansLatest) {
  auto r = ImageReference::parse("localhost/a/b");
  EXPECT_EQ(r.registry, "localhost");
  EXPECT_EQ(r.reference(), "latest");
}

TEST(ImageReference, PortIsNotATag) {
  auto r = ImageReference::parse("reg.io:443/a/b");
  EXPECT_EQ(r.registry, "reg.io:443");
  EXPECT_EQ(r.repository, "a/b");
  EXPECT_EQ(r.tag, "");
}

TEST(ImageReference, RejectsBadInput) {
  for (const char* bad : {"", "nohost/a", "ubuntu", "http://reg.io/a", "reg.io/", "reg.io/A/b",
                          "reg.io/a//b", "reg.io/a:", "reg.io/a:-x", "reg.io/a@sha256:abc",
                          "reg.io/a@md5:"
                          "0123",
                          "reg.io:port/a", "reg.io/a b", "reg.io/-a"}) {
    EXPECT_THROW(ImageReference::parse(bad), InvalidReference) << bad;
  }
}

TEST(ImageReference, ErrorNamesTheProblem) {
  try {
    ImageReference::parse("reg.io/a:b@sha256:12");
    FAIL();
  } catch (const InvalidReference& e) {
    EXPECT_NE(std::string(e.what()).find("digest"), std::string::npos) << e.what();
  }
}

TEST(ImageReference, Loopback) {
  EXPECT_TRUE(is_loopback_registry("127.0.0.1:5000"));
  EXPECT_TRUE(is_loopback_registry("localhost"));
  EXPECT_TRUE(is_loopback_registry("[::1]:5000"));
  EXPECT_FALSE(is_loopback_registry("registry.example.com:5000"));
  EXPECT_FALSE(is_loopback_registry("10.0.0.1"));
}

TEST(ImageReference, Tags) {
  EXPECT_TRUE(is_valid_tag("v1"));
  EXPECT_TRUE(is_valid_tag("sha256-" + std::string(64, 'f')));
  EXPECT_FALSE(is_valid_tag(".v1"));
  EXPECT_FALSE(is_valid_tag(std::string(129, 'a')));
}

}  // namespace
}  // namespace kiln::oci
