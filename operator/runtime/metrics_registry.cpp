#include "operator/runtime/metrics_registry.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace kiln::runtime {
namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

}  // namespace

void Counter::inc(double amount) {
  if (!(amount >= 0)) return;
  value_.fetch_add(amount, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), counts_(upper_bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  // `le` is inclusive: a value equal to a bound belongs to that bucket.
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  std::lock_guard guard(mutex_);
  ++counts_[bucket];
  sum_ += value;
  ++count_;
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot snap;
  snap.upper_bounds = upper_bounds_;
  std::lock_guard guard(mutex_);
  std::uint64_t running = 0;
  for (std::uint64_t c : counts_) {
    running += c;
    snap.cumulative_counts.push_back(running);
  }
  snap.sum = sum_;
  snap.count = count_;
  return snap;
}

std::vector<double> exponential_buckets(double start, double factor, int count) {
  if (count < 1 || start <= 0 || factor <= 1) {
    throw std::invalid_argument("exponential_buckets: need count >= 1, start > 0, factor > 1");
  }
  std::vector<double> buckets;
  for (int i = 0; i < count; ++i, start *= factor) buckets.push_back(start);
  return buckets;
}

std::vector<double> linear_buckets(double start, double width, int count) {
  if (count < 1 || width <= 0) {
    throw std::invalid_argument("linear_buckets: need count >= 1, width > 0");
  }
  std::vector<double> buckets;
  for (int i = 0; i < count; ++i) buckets.push_back(start + width * i);
  return buckets;
}

MetricFamilyBase::MetricFamilyBase(std::string name, std::string help, MetricType type,
                                   std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)) {
  if (!valid_name(name_, true)) throw std::invalid_argument("invalid metric name: " + name_);
  for (const auto& label : label_names_) {
    // "le" is reserved for histogram buckets; "__" prefixes are reserved by Prometheus.
    if (!valid_name(label, false) || label.rfind("__", 0) == 0 ||
        (type_ == MetricType::histogram && label == "le")) {
      throw std::invalid_argument("invalid label name for " + name_ + ": " + label);
    }
  }
}

void MetricFamilyBase::check_label_count(const std::vector<std::string>& values) const {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument(name_ + ": expected " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(values.size()));
  }
}

template <typename Metric>
Metric& MetricFamily<Metric>::with(const std::vector<std::string>& label_values) {
  check_label_count(label_values);
  std::lock_guard guard(mutex_);
  auto& slot = series_[label_values];
  if (!slot) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      slot = std::make_unique<Histogram>(buckets_);
    } else {
      slot = std::make_unique<Metric>();
    }
  }
  return *slot;
}

template <typename Metric>
FamilySnapshot MetricFamily<Metric>::snapshot() const {
  FamilySnapshot snap{name(), help(), type(), label_names(), {}};
  std::lock_guard guard(mutex_);
  for (const auto& [labels, metric] : series_) {
    SeriesSnapshot series;
    series.label_values = labels;
    if constexpr (std::is_same_v<Metric, Histogram>) {
      series.histogram = metric->snapshot();
    } else {
      series.value = metric->value();
    }
    snap.series.push_back(std::move(series));
  }
  return snap;
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

template <typename Family, typename... Extra>
Family& MetricsRegistry::get_or_create(const std::string& name, const std::string& help,
                                       MetricType type, const std::vector<std::string>& label_names,
                                       Extra&&... extra) {
  std::lock_guard guard(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family =
        std::make_unique<Family>(name, help, type, label_names, std::forward<Extra>(extra)...);
    Family& ref = *family;
    // An unlabelled metric has exactly one series; expose it (as 0) from the start.
    if (label_names.empty()) ref.with({});
    families_.emplace(name, std::move(family));
    return ref;
  }
  auto* existing = dynamic_cast<Family*>(it->second.get());
  if (existing == nullptr || existing->type() != type || existing->label_names() != label_names) {
    throw std::invalid_argument("metric " + name +
                                " is already registered with another type or labels");
  }
  if constexpr (sizeof...(Extra) > 0) {
    if (existing->buckets() != std::vector<double>(extra...)) {
      throw std::invalid_argument("histogram " + name +
                                  " is already registered with other buckets");
    }
  }
  return *existing;
}

CounterFamily& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                        const std::vector<std::string>& label_names) {
  return get_or_create<CounterFamily>(name, help, MetricType::counter, label_names);
}

GaugeFamily& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                    const std::vector<std::string>& label_names) {
  return get_or_create<GaugeFamily>(name, help, MetricType::gauge, label_names);
}

HistogramFamily& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                            const std::vector<std::string>& label_names,
                                            const std::vector<double>& buckets) {
  if (buckets.empty() || !std::is_sorted(buckets.begin(), buckets.end()) ||
      std::adjacent_find(buckets.begin(), buckets.end()) != buckets.end() ||
      std::isinf(buckets.back())) {
    throw std::invalid_argument("histogram " + name +
                                ": buckets must be finite and strictly increasing");
  }
  return get_or_create<HistogramFamily>(name, help, MetricType::histogram, label_names, buckets);
}

MetricsRegistry::CollectorId MetricsRegistry::add_collector(std::function<void()> collect) {
  std::lock_guard guard(collectors_mutex_);
  const auto id = next_collector_++;
  collectors_.emplace(id, std::move(collect));
  return id;
}

void MetricsRegistry::remove_collector(CollectorId id) {
  std::lock_guard guard(collectors_mutex_);
  collectors_.erase(id);
}

std::vector<FamilySnapshot> MetricsRegistry::snapshot() const {
  {
    std::lock_guard guard(collectors_mutex_);
    for (const auto& [id, collect] : collectors_) collect();
  }
  std::vector<const MetricFamilyBase*> families;
  {
    std::lock_guard guard(mutex_);
    for (const auto& [name, family] : families_) families.push_back(family.get());
  }
  std::vector<FamilySnapshot> out;
  out.reserve(families.size());
  for (const auto* family : families) out.push_back(family->snapshot());
  return out;
}

}  // namespace kiln::runtime
