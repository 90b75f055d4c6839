#pragma once

#include "operator/kube/informer.hpp"
#include "operator/runtime/metrics_registry.hpp"

namespace kiln::manager {

// The informer's own counts as Prometheus series, labelled
// resource="<group>/<version>/<plural>" ("v1/configmaps" for the core group):
//   kiln_informer_lists_total            complete lists applied to the cache
//   kiln_informer_relists_total          lists after the first (410 Gone, bad answers)
//   kiln_informer_watches_total          watch requests started
//   kiln_informer_failures_total         lists and watches that failed
//   kiln_informer_watch_early_closes_total  watches that ended at once, empty
//   kiln_informer_handler_errors_total   event handler calls that threw
//   kiln_informer_resource_version_age_seconds  since the resourceVersion last moved
//   kiln_informer_synced                 1 once the first list is in the cache
//   kiln_informer_objects                objects cached
//   kiln_informer_packed_bytes           bytes of those objects, packed
// Updated when scraped, from the informer's counters.
class InformerMetrics {
 public:
  explicit InformerMetrics(runtime::MetricsRegistry& registry);
  void update(const kube::Informer& informer);

 private:
  runtime::CounterFamily& lists_;
  runtime::CounterFamily& relists_;
  runtime::CounterFamily& watches_;
  runtime::CounterFamily& failures_;
  runtime::CounterFamily& early_closes_;
  runtime::CounterFamily& handler_errors_;
  runtime::GaugeFamily& rv_age_;
  runtime::GaugeFamily& synced_;
  runtime::GaugeFamily& objects_;
  runtime::GaugeFamily& packed_bytes_;
};

// "apps/v1/deployments", "v1/configmaps".
std::string resource_label(const kube::ResourceRef& resource);

}  // namespace kiln::manager
