#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "operator/runtime/metrics_registry.hpp"

namespace kiln::runtime {

// Content type of the Prometheus text exposition format, version 0.0.4.
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Renders families in the text exposition format: # HELP / # TYPE lines, one
// sample line per series; histograms as _bucket{le=...} (cumulative, ending
// with le="+Inf"), _sum and _count.
std::string render_prometheus_text(const std::vector<FamilySnapshot>& families);
std::string render_prometheus_text(const MetricsRegistry& registry);

// Escaping rules of the format, exposed for tests.
std::string escape_help_text(std::string_view help);     // \ and newline
std::string escape_label_value(std::string_view value);  // \, " and newline
// Shortest round-trip form; +Inf, -Inf and NaN spelled as Prometheus expects.
std::string format_sample_value(double value);

}  // namespace kiln::runtime
