#include "reconcilers/model/fetch_result.hpp"

#include <gtest/gtest.h>

#include "tests/unit/model/model_fixtures.hpp"

namespace {

using namespace kiln::reconcilers::model;

TEST(FetchResult, Success) {
  auto r = parse_fetch_result(kiln::testing::success_message('a', 77) + "\n");
  auto* s = std::get_if<FetchSuccess>(&r);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->digest, kiln::testing::digest_of('a'));
  EXPECT_EQ(s->size_bytes, 77);
  EXPECT_EQ(s->image, "127.0.0.1:5000/models/team-a/diabetes@" + kiln::testing::digest_of('a'));
}

TEST(FetchResult, Failure) {
  auto r = parse_fetch_result(R"({"reason":"SourceNotFound","message":"GET https://h/m: 404"})");
  auto* f = std::get_if<FetchFailure>(&r);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->reason, "SourceNotFound");
  EXPECT_EQ(f->message, "GET https://h/m: 404");
}

TEST(FetchResult, UnreadableResults) {
  for (
      const char* bad :
      {"", "   \n", "panic: runtime error", "[1,2]", R"({"digest":"md5:1"})", R"({"reason":42})",
       R"({"digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","image":"x@sha256:b"})"}) {
    auto r = parse_fetch_result(bad);
    EXPECT_TRUE(std::holds_alternative<FetchUnreadable>(r)) << bad;
  }
}

TEST(FetchResult, Classification) {
  EXPECT_TRUE(is_transient("SourceDNS"));
  EXPECT_TRUE(is_transient("RegistryUnreachable"));
  EXPECT_FALSE(is_transient("SourceUnauthorized"));
  EXPECT_FALSE(is_transient("DigestMismatch"));
  EXPECT_TRUE(is_source_failure("SourceTLS"));
  EXPECT_FALSE(is_source_failure("DigestMismatch"));
  EXPECT_FALSE(is_source_failure("PushRefused"));
}

}  // namespace
