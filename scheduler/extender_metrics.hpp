#pragma once

#include "operator/runtime/metrics_registry.hpp"

namespace kiln::scheduler {

// The extender's Prometheus metrics:
//   kiln_scheduler_extender_request_duration_seconds{verb}   histogram
//   kiln_scheduler_extender_requests_total{verb,result}      result: ok | error
//   kiln_scheduler_extender_nodes_evaluated_total            nodes the filter looked at
//   kiln_scheduler_extender_nodes_filtered_total{reason}     nodes it removed
//                                                              (busy | unsuitable | unknown)
//   kiln_scheduler_extender_cache_nodes, _cache_pods          the view's size
struct ExtenderMetrics {
  explicit ExtenderMetrics(runtime::MetricsRegistry& registry);

  runtime::HistogramFamily& duration;
  runtime::CounterFamily& requests;
  runtime::Counter& nodes_evaluated;
  runtime::Counter& filtered_busy;
  runtime::Counter& filtered_unsuitable;
  runtime::Counter& filtered_unknown;
  runtime::Gauge& cache_nodes;
  runtime::Gauge& cache_pods;
};

}  // namespace kiln::scheduler
