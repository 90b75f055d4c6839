#include "operator/runtime/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace kiln::runtime {
namespace {

using namespace std::chrono_literals;

TEST(ItemExponentialFailureRateLimiter, DoublesPerFailureUpToTheCap) {
  ItemExponentialFailureRateLimiter limiter(5ms, 1000s);
  EXPECT_EQ(limiter.when("a"), 5ms);
  EXPECT_EQ(limiter.when("a"), 10ms);
  EXPECT_EQ(limiter.when("a"), 20ms);
  EXPECT_EQ(limiter.when("b"), 5ms);  // per key
  EXPECT_EQ(limiter.retries("a"), 3);
  for (int i = 0; i < 100; ++i) limiter.when("a");
  EXPECT_EQ(limiter.when("a"), 1000s);  // saturates, no overflow
  limiter.forget("a");
  EXPECT_EQ(limiter.retries("a"), 0);
  EXPECT_EQ(limiter.when("a"), 5ms);
}

TEST(ItemExponentialFailureRateLimiter, ReachesTheCapAfterEighteenFailures) {
  // 5 ms * 2^17 = 655 s < 1000 s; 5 ms * 2^18 = 1310 s -> capped.
  ItemExponentialFailureRateLimiter limiter(5ms, 1000s);
  for (int i = 0; i < 17; ++i) limiter.when("a");
  EXPECT_EQ(limiter.when("a"), 655360ms);
  EXPECT_EQ(limiter.when("a"), 1000s);
}

TEST(BucketRateLimiter, AllowsABurstThenSpacesByQps) {
  auto clock = std::make_shared<FakeClock>();
  BucketRateLimiter limiter(clock, 10.0, 100);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(limiter.when("k"), 0ms) << i;
  EXPECT_EQ(limiter.when("k"), 100ms);
  EXPECT_EQ(limiter.when("k"), 200ms);  // tokens are reserved, so debts add up
  clock->advance(1s);                   // earns 10 tokens, pays the debt of 2
  for (int i = 0; i < 8; ++i) ASSERT_EQ(limiter.when("k"), 0ms) << i;
  EXPECT_EQ(limiter.when("k"), 100ms);
}

TEST(BucketRateLimiter, RefillsNoFurtherThanTheBurst) {
  auto clock = std::make_shared<FakeClock>();
  BucketRateLimiter limiter(clock, 10.0, 3);
  clock->advance(1h);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter.when("k"), 0ms);
  EXPECT_EQ(limiter.when("k"), 100ms);
}

TEST(DefaultControllerRateLimiter, TakesTheLongerOfBackoffAndBucket) {
  auto clock = std::make_shared<FakeClock>();
  auto limiter = default_controller_rate_limiter(clock);
  EXPECT_EQ(limiter->when("a"), 5ms);  // backoff dominates while the bucket has tokens
  EXPECT_EQ(limiter->when("a"), 10ms);
  for (int i = 0; i < 98; ++i) limiter->when("k" + std::to_string(i));  // empties the bucket
  EXPECT_EQ(limiter->when("b"), 100ms);  // bucket dominates a fresh key
  EXPECT_EQ(limiter->retries("a"), 2);
  limiter->forget("a");
  EXPECT_EQ(limiter->retries("a"), 0);
}

}  // namespace
}  // namespace kiln::runtime
