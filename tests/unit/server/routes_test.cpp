#include "server/http/routes.hpp"

#include <gtest/gtest.h>

namespace kiln::serve {
namespace {

TEST(Routes, ClassifiesAzureMlPaths) {
  EXPECT_EQ(classify_path("/"), Route::kHealth);
  EXPECT_EQ(classify_path("/score"), Route::kScore);
  EXPECT_EQ(classify_path("/swagger.json"), Route::kSwagger);
  EXPECT_EQ(classify_path("/metrics"), Route::kMetrics);
  EXPECT_EQ(classify_path("/scores"), Route::kOther);
  EXPECT_EQ(classify_path("/score/"), Route::kOther);  // as Flask: no trailing slash
  EXPECT_EQ(classify_path(""), Route::kOther);
}

TEST(Routes, SplitsTheTarget) {
  auto t = split_target("/score?a=1&b=2");
  EXPECT_EQ(t.path, "/score");
  EXPECT_EQ(t.query, "a=1&b=2");
  EXPECT_EQ(split_target("/").query, "");
}

TEST(Routes, DecodesQueries) {
  EXPECT_EQ(url_decode("a%20b+c"), "a b c");
  EXPECT_EQ(url_decode("%5B1%5d"), "[1]");
  EXPECT_FALSE(url_decode("bad%"));
  EXPECT_FALSE(url_decode("bad%4"));
  EXPECT_FALSE(url_decode("bad%zz"));
  EXPECT_EQ(query_param("x=1&version=3", "version"), "3");
  EXPECT_EQ(query_param("flag&x=1", "flag"), "");
  EXPECT_FALSE(query_param("x=1", "version"));
}

TEST(Routes, SwaggerVersions) {
  EXPECT_EQ(parse_swagger_version(""), 2);
  EXPECT_EQ(parse_swagger_version("version=2"), 2);
  EXPECT_EQ(parse_swagger_version("version=2.0"), 2);
  EXPECT_EQ(parse_swagger_version("version=3"), 3);
  EXPECT_EQ(parse_swagger_version("version=3.0"), 3);
  EXPECT_EQ(parse_swagger_version("version=3.1"), 31);
  EXPECT_FALSE(parse_swagger_version("version=4"));
  EXPECT_FALSE(parse_swagger_version("version="));
}

}  // namespace
}  // namespace kiln::serve
