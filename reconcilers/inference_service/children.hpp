#pragma once

// The Kubernetes objects an InferenceService owns besides its pods' template:
// the workload (Deployment, or DaemonSet for edge), the Service, the
// HorizontalPodAutoscaler and the PodDisruptionBudget.

#include <nlohmann/json.hpp>
#include <optional>

#include "crds/inference_service.hpp"

namespace kiln::reconcilers::inference_service {

// Deployment (dev, cluster, accelerated): rolling update that never lowers
// available replicas; replicas omitted when an HPA owns them.
nlohmann::json deployment(const api::InferenceService& service, const nlohmann::json& owner,
                          const nlohmann::json& pod_template);

// DaemonSet (edge): one replica per kiln.dev/edge=true node, surge-first updates.
nlohmann::json daemon_set(const api::InferenceService& service, const nlohmann::json& owner,
                          const nlohmann::json& pod_template);

// ClusterIP Service, port 80 → 5001; edge keeps traffic on the node it arrived at.
nlohmann::json service(const api::InferenceService& service, const nlohmann::json& owner);

// autoscaling/v2 HPA when the service autoscales (cluster, accelerated), else null.
nlohmann::json horizontal_pod_autoscaler(const api::InferenceService& service,
                                         const nlohmann::json& owner);

// policy/v1 PDB maxUnavailable 1 when more than one replica may run, else null.
nlohmann::json pod_disruption_budget(const api::InferenceService& service,
                                     const nlohmann::json& owner);

}  // namespace kiln::reconcilers::inference_service
