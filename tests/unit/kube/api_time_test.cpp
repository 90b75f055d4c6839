#include "operator/kube/api_time.hpp"

#include <gtest/gtest.h>

namespace kiln::kube {
namespace {

using namespace std::chrono;

const system_clock::time_point t0 = sys_days{year{2026} / 11 / 21} + hours(4) + minutes(30);

TEST(ApiTime, FormatsSecondsAndMicroseconds) {
  const auto t = t0 + seconds(5) + microseconds(123456) + nanoseconds(789);
  EXPECT_EQ(format_api_time(t), "2026-11-21T04:30:05Z");
  EXPECT_EQ(format_api_micro_time(t), "2026-11-21T04:30:05.123456Z");
  EXPECT_EQ(format_api_micro_time(t0), "2026-11-21T04:30:00.000000Z");
}

TEST(ApiTime, ParsesWhatTheApiServerWrites) {
  EXPECT_EQ(parse_api_time("2026-11-21T04:30:00Z"), t0);
  EXPECT_EQ(parse_api_time("2026-11-21T04:30:00.000001Z"), t0 + microseconds(1));
  EXPECT_EQ(parse_api_time("2026-11-21T06:30:00.5+02:00"), t0 + milliseconds(500));
  EXPECT_EQ(parse_api_time("2026-11-21T04:30:00.123456789Z"), t0 + nanoseconds(123456789));
  EXPECT_EQ(parse_api_time("2026-11-21T04:30:00"), std::nullopt);
  EXPECT_EQ(parse_api_time("2026-02-30T04:30:00Z"), std::nullopt);
  EXPECT_EQ(parse_api_time("2026-11-21T04:30:00.Z"), std::nullopt);
  EXPECT_EQ(parse_api_time("garbage"), std::nullopt);
  const auto round_trip = t0 + microseconds(42);
  EXPECT_EQ(parse_api_time(format_api_micro_time(round_trip)), round_trip);
}

}  // namespace
}  // namespace kiln::kube
