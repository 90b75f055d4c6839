#include "operator/runtime/prometheus_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace kiln::runtime {
namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

// {a="x",b="y"} plus an optional extra label (le for buckets); nothing when empty.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, const std::string& name, std::string_view suffix,
                   const std::vector<std::string>& label_names,
                   const std::vector<std::string>& label_values, const std::string& value,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  out += suffix;
  append_labels(out, label_names, label_values, extra_name, extra_value);
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::string escape_help_text(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

std::string render_prometheus_text(const std::vector<FamilySnapshot>& families) {
  std::string out;
  for (const auto& family : families) {
    // Like the Go client, a family with no series yet is left out entirely.
    if (family.series.empty()) continue;
    out += "# HELP " + family.name + ' ' + escape_help_text(family.help) + '\n';
    out += "# TYPE " + family.name + ' ' + std::string(type_name(family.type)) + '\n';
    for (const auto& series : family.series) {
      if (family.type != MetricType::histogram) {
        append_sample(out, family.name, "", family.label_names, series.label_values,
                      format_sample_value(series.value));
        continue;
      }
      const auto& h = series.histogram;
      for (std::size_t i = 0; i < h.upper_bounds.size(); ++i) {
        append_sample(out, family.name, "_bucket", family.label_names, series.label_values,
                      std::to_string(h.cumulative_counts[i]), "le",
                      format_sample_value(h.upper_bounds[i]));
      }
      append_sample(out, family.name, "_bucket", family.label_names, series.label_values,
                    std::to_string(h.count), "le", "+Inf");
      append_sample(out, family.name, "_sum", family.label_names, series.label_values,
                    format_sample_value(h.sum));
      append_sample(out, family.name, "_count", family.label_names, series.label_values,
                    std::to_string(h.count));
    }
  }
  return out;
}

std::string render_prometheus_text(const MetricsRegistry& registry) {
  return render_prometheus_text(registry.snapshot());
}

}  // namespace kiln::runtime
