#include "scheduler/extender_metrics.hpp"

namespace kiln::scheduler {
namespace {

runtime::CounterFamily& filtered_family(runtime::MetricsRegistry& r) {
  return r.counter("kiln_scheduler_extender_nodes_filtered_total",
                   "Nodes the filter verb removed, by reason (busy: not enough free devices; "
                   "unsuitable: wrong product, memory or shell; unknown: not in the cache)",
                   {"reason"});
}

}  // namespace

ExtenderMetrics::ExtenderMetrics(runtime::MetricsRegistry& r)
    : duration(r.histogram("kiln_scheduler_extender_request_duration_seconds",
                           "Time to answer a scheduler extender call, by verb", {"verb"},
                           runtime::exponential_buckets(0.00005, 2, 16))),
      requests(r.counter("kiln_scheduler_extender_requests_total",
                         "Scheduler extender calls answered, by verb and result",
                         {"verb", "result"})),
      nodes_evaluated(r.counter("kiln_scheduler_extender_nodes_evaluated_total",
                                "Nodes the filter verb was asked about")
                          .with({})),
      filtered_busy(filtered_family(r).with({"busy"})),
      filtered_unsuitable(filtered_family(r).with({"unsuitable"})),
      filtered_unknown(filtered_family(r).with({"unknown"})),
      cache_nodes(
          r.gauge("kiln_scheduler_extender_cache_nodes", "Nodes in the extender's cache").with({})),
      cache_pods(r.gauge("kiln_scheduler_extender_cache_pods",
                         "Pods bound to nodes in the extender's cache")
                     .with({})) {}

}  // namespace kiln::scheduler
