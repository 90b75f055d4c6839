#pragma once

#include <string>
#include <string_view>

namespace kiln::kube {

// Identifies an API resource: where its objects live in the URL space and
// whether they are namespaced. Built by hand for well-known kinds or by
// ResourceMapper from discovery.
struct ResourceRef {
  std::string group;     // "" for the core group
  std::string version;   // v1, v1alpha1, ...
  std::string resource;  // plural, lower case: deployments
  std::string kind;      // Deployment
  bool namespaced = true;

  // "apps/v1", or "v1" for the core group.
  std::string api_version() const;
  // /api/v1/namespaces/ns/configmaps/name/status. An empty `ns` on a namespaced
  // resource addresses all namespaces (list/watch only).
  std::string path(std::string_view ns = {}, std::string_view name = {},
                   std::string_view subresource = {}) const;
  bool operator==(const ResourceRef&) const = default;
};

// Well-known resources, so common callers need no discovery round-trip.
namespace resources {
inline ResourceRef namespaces() {
  return {"", "v1", "namespaces", "Namespace", false};
}
inline ResourceRef config_maps() {
  return {"", "v1", "configmaps", "ConfigMap", true};
}
inline ResourceRef secrets() {
  return {"", "v1", "secrets", "Secret", true};
}
inline ResourceRef pods() {
  return {"", "v1", "pods", "Pod", true};
}
inline ResourceRef services() {
  return {"", "v1", "services", "Service", true};
}
inline ResourceRef service_accounts() {
  return {"", "v1", "serviceaccounts", "ServiceAccount", true};
}
inline ResourceRef persistent_volume_claims() {
  return {"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true};
}
inline ResourceRef nodes() {
  return {"", "v1", "nodes", "Node", false};
}
// apps/v1
inline ResourceRef deployments() {
  return {"apps", "v1", "deployments", "Deployment", true};
}
inline ResourceRef replica_sets() {
  return {"apps", "v1", "replicasets", "ReplicaSet", true};
}
inline ResourceRef stateful_sets() {
  return {"apps", "v1", "statefulsets", "StatefulSet", true};
}
inline ResourceRef daemon_sets() {
  return {"apps", "v1", "daemonsets", "DaemonSet", true};
}
// autoscaling/v2
inline ResourceRef horizontal_pod_autoscalers() {
  return {"autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true};
}
// policy/v1
inline ResourceRef pod_disruption_budgets() {
  return {"policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true};
}
// networking.k8s.io/v1
inline ResourceRef ingresses() {
  return {"networking.k8s.io", "v1", "ingresses", "Ingress", true};
}
inline ResourceRef network_policies() {
  return {"networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true};
}
// batch/v1
inline ResourceRef jobs() {
  return {"batch", "v1", "jobs", "Job", true};
}
inline ResourceRef cron_jobs() {
  return {"batch", "v1", "cronjobs", "CronJob", true};
}
inline ResourceRef events() {
  return {"events.k8s.io", "v1", "events", "Event", true};
}
inline ResourceRef leases() {
  return {"coordination.k8s.io", "v1", "leases", "Lease", true};
}
inline ResourceRef custom_resource_definitions() {
  return {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
          false};
}
}  // namespace resources

}  // namespace kiln::kube
