#include "operator/runtime/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace kiln::runtime {
namespace {

TEST(MetricsRegistry, SeriesArePerLabelValuesAndStable) {
  MetricsRegistry registry;
  auto& family = registry.counter("requests_total", "Requests.", {"code"});
  Counter& ok = family.with({"200"});
  ok.inc();
  family.with({"500"}).inc(2);
  EXPECT_EQ(&family.with({"200"}), &ok);
  EXPECT_EQ(ok.value(), 1);
  EXPECT_EQ(family.with({"500"}).value(), 2);
  ok.inc(-5);  // counters never go down
  EXPECT_EQ(ok.value(), 1);
}

TEST(MetricsRegistry, ReRegisteringReturnsTheSameFamilyOrThrowsOnMismatch) {
  MetricsRegistry registry;
  auto& a = registry.counter("x_total", "X.", {"l"});
  EXPECT_EQ(&registry.counter("x_total", "X.", {"l"}), &a);
  EXPECT_THROW(registry.gauge("x_total", "X.", {"l"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("x_total", "X.", {"other"}), std::invalid_argument);
  registry.histogram("h", "H.", {}, {1, 2});
  EXPECT_THROW(registry.histogram("h", "H.", {}, {1, 3}), std::invalid_argument);
}

TEST(MetricsRegistry, RejectsInvalidNamesLabelsAndBuckets) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.counter("1bad", ""), std::invalid_argument);
  EXPECT_THROW(registry.counter("bad-name", ""), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok", "", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", "", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h2", "", {}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(registry.counter("c", "", {"a"}).with({"x", "y"}), std::invalid_argument);
  EXPECT_NO_THROW(registry.counter("name:with_colon", ""));
}

TEST(Histogram, BucketsAreCumulativeAndUpperBoundsInclusive) {
  Histogram h({0.1, 1, 10});
  h.observe(0.1);  // on the bound: belongs to le=0.1
  h.observe(0.5);
  h.observe(10);
  h.observe(11);  // only +Inf
  const auto snap = h.snapshot();
  EXPECT_EQ(snap.cumulative_counts, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(snap.count, 4u);
  EXPECT_DOUBLE_EQ(snap.sum, 21.6);
}

TEST(Gauge, GoesUpAndDown) {
  Gauge g;
  g.inc();
  g.inc();
  g.dec();
  g.add(2.5);
  EXPECT_DOUBLE_EQ(g.value(), 3.5);
  g.set(-1);
  EXPECT_DOUBLE_EQ(g.value(), -1);
}

TEST(Buckets, ExponentialAndLinear) {
  EXPECT_EQ(exponential_buckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_EQ(linear_buckets(0.5, 0.5, 3), (std::vector<double>{0.5, 1.0, 1.5}));
  EXPECT_THROW(exponential_buckets(0, 2, 3), std::invalid_argument);
}

TEST(MetricsRegistry, CollectorsRunBeforeEachSnapshotUntilRemoved) {
  MetricsRegistry registry;
  auto& gauge = registry.gauge("scrapes", "").with({});
  int calls = 0;
  const auto id = registry.add_collector([&] { gauge.set(++calls); });
  registry.snapshot();
  const auto snap = registry.snapshot();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(snap.at(0).series.at(0).value, 2);
  registry.remove_collector(id);
  registry.snapshot();
  EXPECT_EQ(calls, 2);
}

TEST(MetricsRegistry, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry registry;
  auto& family = registry.counter("c_total", "", {"t"});
  auto& hist = registry.histogram("h_seconds", "", {}, {1}).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        family.with({"x"}).inc();
        hist.observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family.with({"x"}).value(), 40000);
  EXPECT_EQ(hist.snapshot().count, 40000u);
}

}  // namespace
}  // namespace kiln::runtime
