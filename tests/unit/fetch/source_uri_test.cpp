#include "fetch/source_uri.hpp"

#include <gtest/gtest.h>

#include "fetch/fetch_error.hpp"

namespace kiln::fetch {
namespace {

TEST(SourceUri, Https) {
  auto s = SourceUri::parse("https://models.example.com/iris/model.onnx?sig=1");
  EXPECT_EQ(s.kind, SourceUri::Kind::kHttp);
  EXPECT_EQ(s.url, "https://models.example.com/iris/model.onnx?sig=1");
}

TEST(SourceUri, PlainHttpOnlyForLoopback) {
  EXPECT_NO_THROW(SourceUri::parse("http://127.0.0.1:8080/m.bin"));
  EXPECT_NO_THROW(SourceUri::parse("http://localhost/m.bin"));
  EXPECT_THROW(SourceUri::parse("http://example.com/m.bin"), FetchError);
}

TEST(SourceUri, S3ObjectAndPrefix) {
  auto o = SourceUri::parse("s3://my-bucket/models/iris/model.pkl");
  EXPECT_EQ(o.kind, SourceUri::Kind::kS3);
  EXPECT_EQ(o.bucket, "my-bucket");
  EXPECT_EQ(o.key, "models/iris/model.pkl");
  EXPECT_FALSE(o.is_prefix());
  auto p = SourceUri::parse("s3://my-bucket/models/iris/");
  EXPECT_TRUE(p.is_prefix());
  EXPECT_TRUE(SourceUri::parse("s3://my-bucket").is_prefix());
}

TEST(SourceUri, File) {
  auto f = SourceUri::parse("file:///mnt/source/models/iris%201/");
  EXPECT_EQ(f.kind, SourceUri::Kind::kFile);
  EXPECT_EQ(f.path, "/mnt/source/models/iris 1");
}

TEST(SourceUri, Oci) {
  auto o = SourceUri::parse("oci://registry.example.com/models/x@sha256:" + std::string(64, '0'));
  EXPECT_EQ(o.kind, SourceUri::Kind::kOci);
  EXPECT_EQ(o.image, "registry.example.com/models/x@sha256:" + std::string(64, '0'));
}

TEST(SourceUri, RejectsWithInvalidArguments) {
  for (const char* bad :
       {"", "ftp://x/y", "pvc://claim/path", "s3://A_B/x", "s3://ab/x", "file://relative/x",
        "file:///mnt/../etc/passwd", "file:///x%zz", "file:///x%2", "https://user:pw@h/x",
        "https://h", "https:///x", "oci://no-host", "https://h/a b", "oci://reg.io/A"}) {
    try {
      SourceUri::parse(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const FetchError& e) {
      EXPECT_EQ(e.reason(), Reason::kInvalidArguments) << bad;
      EXPECT_NE(std::string(e.what()).find("--source"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace kiln::fetch
