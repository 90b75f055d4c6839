#include "operator/runtime/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace kiln::runtime {
namespace {

TEST(PrometheusText, RendersCountersGaugesAndHistograms) {
  MetricsRegistry registry;
  auto& reconciles =
      registry.counter("controller_runtime_reconcile_total",
                       "Total number of reconciliations per controller", {"controller", "result"});
  reconciles.with({"model", "success"}).inc(3);
  reconciles.with({"model", "error"}).inc();
  registry.gauge("up", "Whether it is up.").with({}).set(1);
  auto& latency = registry.histogram("rt_seconds", "Latency.", {"controller"}, {0.5, 1});
  latency.with({"model"}).observe(0.25);
  latency.with({"model"}).observe(0.75);
  latency.with({"model"}).observe(3);

  EXPECT_EQ(render_prometheus_text(registry),
            "# HELP controller_runtime_reconcile_total Total number of reconciliations per "
            "controller\n"
            "# TYPE controller_runtime_reconcile_total counter\n"
            "controller_runtime_reconcile_total{controller=\"model\",result=\"error\"} 1\n"
            "controller_runtime_reconcile_total{controller=\"model\",result=\"success\"} 3\n"
            "# HELP rt_seconds Latency.\n"
            "# TYPE rt_seconds histogram\n"
            "rt_seconds_bucket{controller=\"model\",le=\"0.5\"} 1\n"
            "rt_seconds_bucket{controller=\"model\",le=\"1\"} 2\n"
            "rt_seconds_bucket{controller=\"model\",le=\"+Inf\"} 3\n"
            "rt_seconds_sum{controller=\"model\"} 4\n"
            "rt_seconds_count{controller=\"model\"} 3\n"
            "# HELP up Whether it is up.\n"
            "# TYPE up gauge\n"
            "up 1\n");
}

TEST(PrometheusText, UnlabelledHistogramHasOnlyLeOnBuckets) {
  MetricsRegistry registry;
  registry.histogram("h", "H.", {}, {1}).with({}).observe(0.5);
  EXPECT_EQ(render_prometheus_text(registry),
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\nh_count 1\n");
}

TEST(PrometheusText, UnlabelledFamiliesAppearAtZeroLabelledOnesOnlyOnceUsed) {
  MetricsRegistry registry;
  registry.counter("plain_total", "P.");
  registry.counter("labelled_total", "L.", {"x"});
  EXPECT_EQ(render_prometheus_text(registry),
            "# HELP plain_total P.\n# TYPE plain_total counter\nplain_total 0\n");
}

TEST(PrometheusText, EscapesHelpAndLabelValues) {
  EXPECT_EQ(escape_help_text("a\\b\nc \"q\""), "a\\\\b\\nc \"q\"");
  EXPECT_EQ(escape_label_value("a\\b\nc \"q\""), "a\\\\b\\nc \\\"q\\\"");

  MetricsRegistry registry;
  registry.gauge("g", "Line one\nline two \\ end", {"path"}).with({"C:\\x \"y\"\n"}).set(2);
  EXPECT_EQ(render_prometheus_text(registry),
            "# HELP g Line one\\nline two \\\\ end\n# TYPE g gauge\n"
            "g{path=\"C:\\\\x \\\"y\\\"\\n\"} 2\n");
}

TEST(PrometheusText, FormatsSpecialAndFractionalValues) {
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_sample_value(0.1), "0.1");
  EXPECT_EQ(format_sample_value(42), "42");
  EXPECT_EQ(format_sample_value(-2.5), "-2.5");
  EXPECT_EQ(std::stod(format_sample_value(1e-8)), 1e-8);  // exact round trip
}

}  // namespace
}  // namespace kiln::runtime
