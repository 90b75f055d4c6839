#include "reconcilers/inference_service/children.hpp"

#include "reconcilers/inference_service/names.hpp"

namespace kiln::reconcilers::inference_service {

using nlohmann::json;

namespace {

std::string name_of(const api::InferenceService& s) {
  return api::meta_name(s.metadata);
}

api::Target target_of(const api::InferenceService& s) {
  return s.spec.target.value_or(api::Target::cluster);
}

}  // namespace

json deployment(const api::InferenceService& service, const json& owner, const json& pod_template) {
  const std::string name = name_of(service);
  json spec = {
      {"selector", {{"matchLabels", selector_labels(name)}}},
      {"strategy",
       {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 0}, {"maxSurge", 1}}}}},
      {"revisionHistoryLimit", 3},
      {"progressDeadlineSeconds", 600},
      {"template", pod_template}};
  if (!api::effective_autoscaling(service.spec)) {
    spec["replicas"] = api::effective_replicas(service.spec);
  }
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", child_metadata(owner, workload_name(name))},
          {"spec", spec}};
}

json daemon_set(const api::InferenceService& service, const json& owner, const json& pod_template) {
  const std::string name = name_of(service);
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "DaemonSet"},
      {"metadata", child_metadata(owner, workload_name(name))},
      {"spec",
       {{"selector", {{"matchLabels", selector_labels(name)}}},
        {"updateStrategy",
         {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 0}, {"maxSurge", 1}}}}},
        {"revisionHistoryLimit", 3},
        {"template", pod_template}}}};
}

json service(const api::InferenceService& s, const json& owner) {
  const std::string name = name_of(s);
  // With in-cluster TLS kiln-serve answers HTTPS only: 443, named https.
  const bool tls = s.spec.tls.has_value();
  const char* port_name = tls ? "https" : "http";
  json spec = {{"type", "ClusterIP"},
               {"selector", selector_labels(name)},
               {"ports", json::array({{{"name", port_name},
                                       {"port", tls ? 443 : 80},
                                       {"targetPort", port_name},
                                       {"protocol", "TCP"}}})}};
  if (target_of(s) == api::Target::edge) spec["internalTrafficPolicy"] = "Local";
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", child_metadata(owner, name)},
          {"spec", spec}};
}

json horizontal_pod_autoscaler(const api::InferenceService& s, const json& owner) {
  auto autoscaling = api::effective_autoscaling(s.spec);
  if (!autoscaling || target_of(s) == api::Target::edge || target_of(s) == api::Target::dev) {
    return nullptr;
  }
  const std::string name = name_of(s);
  return {{"apiVersion", "autoscaling/v2"},
          {"kind", "HorizontalPodAutoscaler"},
          {"metadata", child_metadata(owner, name)},
          {"spec",
           {{"scaleTargetRef",
             {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", workload_name(name)}}},
            {"minReplicas", autoscaling->min_replicas.value_or(1)},
            {"maxReplicas", autoscaling->max_replicas.value_or(10)},
            {"metrics",
             json::array(
                 {{{"type", "Resource"},
                   {"resource",
                    {{"name", autoscaling->metric.value_or("cpu")},
                     {"target",
                      {{"type", "Utilization"},
                       {"averageUtilization", autoscaling->target_utilization.value_or(70)}}}}}}})},
            {"behavior",
             {{"scaleDown",
               {{"stabilizationWindowSeconds",
                 autoscaling->scale_down_stabilization_seconds.value_or(300)}}}}}}}};
}

json pod_disruption_budget(const api::InferenceService& s, const json& owner) {
  const auto target = target_of(s);
  if (target == api::Target::edge || target == api::Target::dev) return nullptr;
  auto autoscaling = api::effective_autoscaling(s.spec);
  const int most =
      autoscaling ? autoscaling->max_replicas.value_or(10) : api::effective_replicas(s.spec);
  if (most <= 1) return nullptr;
  const std::string name = name_of(s);
  return {
      {"apiVersion", "policy/v1"},
      {"kind", "PodDisruptionBudget"},
      {"metadata", child_metadata(owner, name)},
      {"spec", {{"maxUnavailable", 1}, {"selector", {{"matchLabels", selector_labels(name)}}}}}};
}

}  // namespace kiln::reconcilers::inference_service
