#include <gtest/gtest.h>

#include "fetch/fetch_error.hpp"
#include "fetch/s3_api.hpp"
#include "fetch/secret_dir.hpp"

namespace kiln::fetch {
namespace {

TEST(HeaderLines, ParsesAndSkipsComments) {
  auto h = parse_header_lines("# comment\n\nAuthorization:  Bearer abc \r\nX-Api-Key: k:v\n");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0], "Authorization: Bearer abc");
  EXPECT_EQ(h[1], "X-Api-Key: k:v");
}

TEST(HeaderLines, BadLineNamesItsNumberNotItsValue) {
  try {
    parse_header_lines("A: b\nsecret-token-without-colon\n");
    FAIL();
  } catch (const FetchError& e) {
    EXPECT_EQ(e.reason(), Reason::kInvalidArguments);
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("secret-token"), std::string::npos);
  }
  EXPECT_THROW(parse_header_lines("Bad Name: x"), FetchError);
  EXPECT_THROW(parse_header_lines(": x"), FetchError);
}

TEST(S3Api, Urls) {
  EXPECT_EQ(s3_object_url("http://127.0.0.1:9000", "b", "dir/a b+c.onnx"),
            "http://127.0.0.1:9000/b/dir/a%20b%2Bc.onnx");
  EXPECT_EQ(s3_list_url("https://s3", "b", "models/x/", ""),
            "https://s3/b?list-type=2&prefix=models%2Fx%2F");
  EXPECT_EQ(s3_list_url("https://s3", "b", "p/", "tok=="),
            "https://s3/b?continuation-token=tok%3D%3D&list-type=2&prefix=p%2F");
}

TEST(S3Api, ParsesListObjectsV2) {
  auto page = parse_list_objects_v2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>m/</Prefix><KeyCount>2</KeyCount>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>m/a&amp;b.bin</Key><Size>12</Size></Contents>
  <Contents><Key>m/sub/c.bin</Key><LastModified>x</LastModified><Size>0</Size></Contents>
  <NextContinuationToken>next&#x2F;token</NextContinuationToken>
</ListBucketResult>)");
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "m/a&b.bin");
  EXPECT_EQ(page.objects[0].size, 12u);
  EXPECT_EQ(page.objects[1].key, "m/sub/c.bin");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "next/token");
}

TEST(S3Api, BadXml) {
  EXPECT_THROW(parse_list_objects_v2("<Error/>"), std::runtime_error);
  EXPECT_THROW(parse_list_objects_v2("<ListBucketResult><Contents><Key>x</Key>"),
               std::runtime_error);
  EXPECT_THROW(
      parse_list_objects_v2("<ListBucketResult><Contents><Key>x</Key><Size>big</Size></Contents>"
                            "</ListBucketResult>"),
      std::runtime_error);
  EXPECT_EQ(s3_error_code("<Error><Code>NoSuchKey</Code></Error>"), "NoSuchKey");
  EXPECT_EQ(s3_error_code("garbage"), "");
}

}  // namespace
}  // namespace kiln::fetch
