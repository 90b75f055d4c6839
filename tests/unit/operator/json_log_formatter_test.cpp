#include "operator/app/json_log_formatter.hpp"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <nlohmann/json.hpp>

namespace {

TEST(JsonLogFormatter, OneEscapedObjectPerLine) {
  kiln::app::JsonLogFormatter formatter;
  spdlog::details::log_msg msg("kiln", spdlog::level::warn, "a \"quoted\"\nline");
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  std::string text(out.data(), out.size());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // a single line
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["logger"], "kiln");
  EXPECT_EQ(j["msg"], "a \"quoted\"\nline");
  EXPECT_TRUE(j["ts"].get<std::string>().ends_with("Z"));
}

}  // namespace
