#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kiln::runtime {

enum class MetricType { counter, gauge, histogram };

class Counter {
 public:
  // Counters only go up; negative increments are ignored (Prometheus semantics).
  void inc(double amount = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void inc() { add(1.0); }
  void dec() { add(-1.0); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

struct HistogramSnapshot {
  std::vector<double> upper_bounds;              // excluding +Inf
  std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
  double sum = 0.0;
  std::uint64_t count = 0;
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  HistogramSnapshot snapshot() const;

 private:
  const std::vector<double> upper_bounds_;
  // One lock per series keeps buckets, sum and count consistent in a scrape.
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> counts_;  // per bucket, non-cumulative, last is +Inf
  double sum_ = 0.0;
  std::uint64_t count_ = 0;
};

// Bucket helpers, as in the Prometheus Go client.
std::vector<double> exponential_buckets(double start, double factor, int count);
std::vector<double> linear_buckets(double start, double width, int count);

struct SeriesSnapshot {
  std::vector<std::string> label_values;
  double value = 0.0;           // counters and gauges
  HistogramSnapshot histogram;  // histograms
};

struct FamilySnapshot {
  std::string name;
  std::string help;
  MetricType type;
  std::vector<std::string> label_names;
  std::vector<SeriesSnapshot> series;  // ordered by label values
};

class MetricFamilyBase {
 public:
  MetricFamilyBase(std::string name, std::string help, MetricType type,
                   std::vector<std::string> label_names);
  virtual ~MetricFamilyBase() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  virtual FamilySnapshot snapshot() const = 0;

 protected:
  void check_label_count(const std::vector<std::string>& values) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

// All series of one metric name, one per combination of label values. with()
// returns a reference that stays valid for the registry's lifetime, so hot
// paths look a series up once and keep it.
template <typename Metric>
class MetricFamily final : public MetricFamilyBase {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> buckets = {})
      : MetricFamilyBase(std::move(name), std::move(help), type, std::move(label_names)),
        buckets_(std::move(buckets)) {}

  Metric& with(const std::vector<std::string>& label_values);
  const std::vector<double>& buckets() const { return buckets_; }
  FamilySnapshot snapshot() const override;

 private:
  const std::vector<double> buckets_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> series_;
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

// A set of metric families, rendered together on /metrics. Registering a name
// again with the same type and labels returns the existing family (so several
// queues or controllers can share one); a mismatch throws std::invalid_argument.
class MetricsRegistry {
 public:
  CounterFamily& counter(const std::string& name, const std::string& help,
                         const std::vector<std::string>& label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     const std::vector<std::string>& label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             const std::vector<std::string>& label_names,
                             const std::vector<double>& buckets);

  // Families ordered by name. Runs the collectors first.
  std::vector<FamilySnapshot> snapshot() const;

  // A function run before every snapshot, to set values that are only worth
  // computing when scraped (e.g. how long the oldest in-flight item has run).
  // remove_collector() waits for a running call to finish, so an owner may
  // remove its collector in its destructor and then be destroyed.
  using CollectorId = std::uint64_t;
  CollectorId add_collector(std::function<void()> collect);
  void remove_collector(CollectorId id);

 private:
  template <typename Family, typename... Extra>
  Family& get_or_create(const std::string& name, const std::string& help, MetricType type,
                        const std::vector<std::string>& label_names, Extra&&... extra);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<MetricFamilyBase>> families_;

  mutable std::mutex collectors_mutex_;  // held while collectors run
  std::map<CollectorId, std::function<void()>> collectors_;
  CollectorId next_collector_ = 1;
};

}  // namespace kiln::runtime
