#include "operator/oci/auth_challenge.hpp"

#include <gtest/gtest.h>

namespace kiln::oci {
namespace {

TEST(AuthChallenge, Bearer) {
  auto cs = parse_www_authenticate(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].scheme, "bearer");
  EXPECT_EQ(cs[0].param("realm"), "https://auth.example/token");
  EXPECT_EQ(cs[0].param("service"), "registry.example");
  EXPECT_EQ(cs[0].param("scope"), "repository:a/b:pull,push");
}

TEST(AuthChallenge, BasicAndSpacesAndCase) {
  auto cs = parse_www_authenticate(R"(BASIC  Realm = "kiln test" , charset=UTF-8)");
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].scheme, "basic");
  EXPECT_EQ(cs[0].param("realm"), "kiln test");
  EXPECT_EQ(cs[0].param("charset"), "UTF-8");
}

TEST(AuthChallenge, SeveralChallengesPreferBearer) {
  auto cs = parse_www_authenticate(
      R"(Basic realm="r1", Bearer realm="https://t/token",service="s", Negotiate)");
  ASSERT_EQ(cs.size(), 3u);
  EXPECT_EQ(cs[0].scheme, "basic");
  EXPECT_EQ(cs[1].scheme, "bearer");
  EXPECT_EQ(cs[1].param("service"), "s");
  EXPECT_EQ(cs[2].scheme, "negotiate");
  auto p = preferred_challenge(cs);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->scheme, "bearer");
}

TEST(AuthChallenge, EscapedQuotes) {
  auto cs = parse_www_authenticate(R"(Basic realm="say \"hi\"")");
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].param("realm"), "say \"hi\"");
}

TEST(AuthChallenge, GarbageDoesNotCrash) {
  EXPECT_TRUE(parse_www_authenticate("").empty());
  EXPECT_FALSE(preferred_challenge(parse_www_authenticate("Negotiate")).has_value());
  for (const char* s : {",,,", "=", "Bearer realm=", "Bearer realm=\"unterminated", "@@@ x=y",
                        "Bearer ,,, realm=\"a\""}) {
    auto cs = parse_www_authenticate(s);
    (void)cs;
  }
  auto cs = parse_www_authenticate("Bearer ,,, realm=\"a\"");
  ASSERT_FALSE(cs.empty());
  EXPECT_EQ(cs[0].param("realm"), "a");
}

TEST(AuthChallenge, TokenUrl) {
  AuthChallenge c{"bearer", {{"realm", "https://t/token"}, {"service", "reg io"}}};
  EXPECT_EQ(token_url(c, "repository:a/b:pull"),
            "https://t/token?service=reg%20io&scope=repository%3Aa%2Fb%3Apull");
  EXPECT_EQ(token_url(c, "repository:a:pull,push repository:b:pull"),
            "https://t/token?service=reg%20io&scope=repository%3Aa%3Apull%2Cpush"
            "&scope=repository%3Ab%3Apull");
  AuthChallenge q{"bearer", {{"realm", "https://t/token?x=1"}, {"scope", "s"}}};
  EXPECT_EQ(token_url(q, ""), "https://t/token?x=1&scope=s");
}

}  // namespace
}  // namespace kiln::oci
