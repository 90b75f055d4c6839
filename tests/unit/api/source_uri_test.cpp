#include "crds/source_uri.hpp"

#include <gtest/gtest.h>

namespace {

using namespace kiln::api;

TEST(SourceUri, SplitsEachScheme) {
  auto https = parse_source_uri("https://models.example.com:8443/a/model.pkl");
  ASSERT_TRUE(https.uri) << https.error;
  EXPECT_EQ(https.uri->scheme, SourceScheme::https);
  EXPECT_EQ(https.uri->authority, "models.example.com:8443");
  EXPECT_EQ(https.uri->path, "a/model.pkl");

  auto s3 = parse_source_uri("s3://my-bucket/prefix/");
  ASSERT_TRUE(s3.uri) << s3.error;
  EXPECT_EQ(s3.uri->authority, "my-bucket");
  EXPECT_EQ(s3.uri->path, "prefix/");

  auto oci = parse_source_uri("oci://127.0.0.1:5000/models/ns/m:v3@sha256:" + std::string(64, 'f'));
  ASSERT_TRUE(oci.uri) << oci.error;
  EXPECT_EQ(oci.uri->authority, "127.0.0.1:5000");
  EXPECT_EQ(oci.uri->path, "models/ns/m");
  EXPECT_EQ(oci.uri->tag, "v3");
  EXPECT_EQ(oci.uri->digest, "sha256:" + std::string(64, 'f'));

  auto pvc = parse_source_uri("pvc://training-output/run-7/model.onnx");
  ASSERT_TRUE(pvc.uri) << pvc.error;
  EXPECT_EQ(pvc.uri->authority, "training-output");
  EXPECT_EQ(pvc_file_uri(*pvc.uri), "file:///mnt/source/run-7/model.onnx");
}

TEST(SourceUri, RejectsWithAReason) {
  for (const char* bad :
       {"", "model.pkl", "ftp://h/x", "https:///x", "https://h/a b", "s3://ab/x", "s3://Upper/x",
        "s3://10.0.0.1/x", "pvc://Claim/x", "pvc://claim", "pvc://claim/../x", "oci://h/",
        "oci://h/Repo:1", "oci://h/r@sha256:xyz"}) {
    auto r = parse_source_uri(bad);
    EXPECT_FALSE(r.uri) << bad;
    EXPECT_FALSE(r.error.empty()) << bad;
  }
}

}  // namespace
