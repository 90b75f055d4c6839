#include "operator/kube/backoff.hpp"

#include <gtest/gtest.h>

namespace kiln::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(Backoff, DoublesFrom800msAndCapsAt30s) {
  Backoff b({}, [] { return 0.5; });  // the midpoint: no jitter
  auto t = Backoff::Clock::time_point{} + minutes(10);
  std::vector<long> got;
  for (int i = 0; i < 8; ++i) got.push_back(b.next_delay(t + seconds(i)).count());
  EXPECT_EQ(got, (std::vector<long>{800, 1600, 3200, 6400, 12800, 25600, 30000, 30000}));
}

TEST(Backoff, JitterStaysWithinBounds) {
  Backoff low({}, [] { return 0.0; });
  Backoff high({}, [] { return 0.999999; });
  auto t = Backoff::Clock::time_point{};
  EXPECT_EQ(low.next_delay(t), milliseconds(400));
  EXPECT_GE(high.next_delay(t), milliseconds(1199));
  EXPECT_LE(high.next_delay(t), milliseconds(2400));
}

TEST(Backoff, JitteredDelayNeverExceedsMax) {
  Backoff b({}, [] { return 0.999999; });
  auto t = Backoff::Clock::time_point{};
  for (int i = 0; i < 20; ++i) EXPECT_LE(b.next_delay(t), milliseconds(30'000));
}

TEST(Backoff, ResetsAfterTwoMinutesOfHealth) {
  Backoff b({}, [] { return 0.5; });
  auto t = Backoff::Clock::time_point{};
  b.next_delay(t);
  b.next_delay(t + seconds(1));
  EXPECT_EQ(b.next_delay(t + seconds(2)), milliseconds(3200));
  // 119 s after the last failure: still the same episode.
  EXPECT_EQ(b.next_delay(t + seconds(2) + seconds(119)), milliseconds(6400));
  // Two quiet minutes: a new failure starts over.
  EXPECT_EQ(b.next_delay(t + seconds(121) + minutes(2)), milliseconds(800));
}

TEST(Backoff, ExplicitReset) {
  Backoff b({}, [] { return 0.5; });
  auto t = Backoff::Clock::time_point{};
  b.next_delay(t);
  b.next_delay(t);
  EXPECT_EQ(b.current_base(), milliseconds(3200));
  b.reset();
  EXPECT_EQ(b.next_delay(t), milliseconds(800));
}

}  // namespace
}  // namespace kiln::kube
