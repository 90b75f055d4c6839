#pragma once

#include <string>
#include <string_view>

#include "scheduler/cluster_view.hpp"
#include "scheduler/extender_metrics.hpp"
#include "scheduler/verdict.hpp"

namespace kiln::scheduler {

// An answer to one extender call: the HTTP status and the JSON body.
struct ExtenderReply {
  int status = 200;
  std::string body;
};

// The filter and prioritize verbs over the ClusterView, independent of HTTP.
// Malformed requests are answered, never thrown: filter puts the message in
// ExtenderFilterResult.Error (HTTP 200, as kube-scheduler reads it); prioritize,
// whose HostPriorityList has no error field, answers 400 with {"Error": ...}.
// Each is logged once.
class Extender {
 public:
  Extender(const ClusterView& view, ExtenderMetrics* metrics, PolicyContext context = {});

  ExtenderReply filter(std::string_view body) const;
  ExtenderReply prioritize(std::string_view body) const;

 private:
  ExtenderReply filter_impl(std::string_view body) const;
  ExtenderReply prioritize_impl(std::string_view body) const;
  PolicyContext context_now() const;

  const ClusterView& view_;
  ExtenderMetrics* metrics_;
  PolicyContext context_;
};

}  // namespace kiln::scheduler
