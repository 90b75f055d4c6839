#include "server/http/score_request.hpp"

#include <gtest/gtest.h>

namespace kiln::serve {
namespace {

TEST(ScoreRequest, JsonContentTypes) {
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(is_json_content_type("application/vnd.api+json"));
  EXPECT_FALSE(is_json_content_type("text/plain"));
  EXPECT_FALSE(is_json_content_type(""));
  EXPECT_TRUE(claims_json(""));
  EXPECT_TRUE(claims_json("application/x-www-form-urlencoded"));
  EXPECT_FALSE(claims_json("text/csv"));
}

TEST(ScoreRequest, Utf8) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

// As the reference server: run(raw_data) is handed malformed and empty JSON,
// and its own error handling answers.
TEST(ScoreRequest, PlainRunGetsEveryBodyByDefault) {
  const auto mode = InputMode::kJsonString;
  EXPECT_FALSE(check_score_body(mode, "application/json", R"({"data": [[1, 2]]})"));
  EXPECT_FALSE(check_score_body(mode, "application/json", R"({"data": [[1, 2)"));
  EXPECT_FALSE(check_score_body(mode, "application/json", ""));
  EXPECT_FALSE(check_score_body(mode, "", "{bad"));
  EXPECT_FALSE(check_score_body(mode, "text/csv", "1,2,3\n"));
}

TEST(ScoreRequest, StrictJsonRefusesWhatDoesNotParse) {
  const auto mode = InputMode::kJsonString;
  EXPECT_FALSE(check_score_body(mode, "application/json", R"({"data": [[1, 2]]})", true));
  auto bad = check_score_body(mode, "application/json", R"({"data": [[1, 2)", true);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->message.find("could not be decoded as JSON"), std::string::npos);
  EXPECT_EQ(check_score_body(mode, "", "", true)->status, 400);
  EXPECT_FALSE(check_score_body(mode, "text/csv", "1,2,3\n", true));  // passed through as a str
  EXPECT_EQ(check_score_body(mode, "text/csv", "\xff", true)->status, 400);
}

// The content type is checked here; the JSON where Python extracts the
// parameters, so the messages are the reference server's.
TEST(ScoreRequest, DecoratedRunNeedsAJsonContentType) {
  const auto mode = InputMode::kObject;
  EXPECT_FALSE(check_score_body(mode, "application/json", R"({"data": 1})"));
  EXPECT_EQ(check_score_body(mode, "text/plain", R"({"data": 1})")->status, 415);
  EXPECT_EQ(check_score_body(mode, "", R"({"data": 1})")->status, 415);
  EXPECT_FALSE(check_score_body(mode, "application/json", "{"));
}

TEST(ScoreRequest, RawRunGetsAnything) {
  EXPECT_FALSE(check_score_body(InputMode::kRaw, "application/json", "\xff{"));
}

}  // namespace
}  // namespace kiln::serve
