#include "operator/manager/informer_metrics.hpp"

namespace kiln::manager {
namespace {

// Counters mirror a monotonic count kept elsewhere: add what is new.
void mirror(runtime::Counter& counter, double value) {
  counter.inc(value - counter.value());
}

}  // namespace

std::string resource_label(const kube::ResourceRef& resource) {
  return resource.api_version() + "/" + resource.resource;
}

InformerMetrics::InformerMetrics(runtime::MetricsRegistry& r)
    : lists_(r.counter("kiln_informer_lists_total", "Complete lists applied to the informer cache",
                       {"resource"})),
      relists_(r.counter("kiln_informer_relists_total",
                         "Lists after the first (resourceVersion gone, unusable answers)",
                         {"resource"})),
      watches_(r.counter("kiln_informer_watches_total", "Watch requests started", {"resource"})),
      failures_(
          r.counter("kiln_informer_failures_total", "Lists and watches that failed", {"resource"})),
      early_closes_(r.counter("kiln_informer_watch_early_closes_total",
                              "Watches that ended at once with no events (backed off)",
                              {"resource"})),
      handler_errors_(r.counter("kiln_informer_handler_errors_total",
                                "Event handler calls that threw", {"resource"})),
      rv_age_(r.gauge("kiln_informer_resource_version_age_seconds",
                      "Seconds since the informer's resourceVersion last moved (-1: never)",
                      {"resource"})),
      synced_(r.gauge("kiln_informer_synced", "1 once the informer's first list is cached",
                      {"resource"})),
      objects_(r.gauge("kiln_informer_objects", "Objects in the informer cache", {"resource"})),
      packed_bytes_(r.gauge("kiln_informer_packed_bytes",
                            "Bytes of the cached objects as packed (MessagePack)", {"resource"})) {}

void InformerMetrics::update(const kube::Informer& informer) {
  const std::vector<std::string> label{resource_label(informer.resource())};
  const auto& w = informer.watcher();
  mirror(lists_.with(label), static_cast<double>(w.lists_completed()));
  mirror(relists_.with(label), static_cast<double>(w.relists()));
  mirror(watches_.with(label), static_cast<double>(w.watches_started()));
  mirror(failures_.with(label), static_cast<double>(w.failures()));
  mirror(early_closes_.with(label), static_cast<double>(w.early_closes()));
  mirror(handler_errors_.with(label), static_cast<double>(informer.handler_errors()));
  rv_age_.with(label).set(w.resource_version_age_seconds());
  synced_.with(label).set(informer.has_synced() ? 1 : 0);
  objects_.with(label).set(static_cast<double>(informer.cache().size()));
  packed_bytes_.with(label).set(static_cast<double>(informer.cache().packed_bytes()));
}

}  // namespace kiln::manager
