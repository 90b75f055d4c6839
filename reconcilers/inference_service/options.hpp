#pragma once

// Operator-wide settings that shape every InferenceService's children. They
// come from kiln-operator's flags; the reconciler reads nothing else from the
// environment.

#include <string>

namespace kiln::reconcilers::inference_service {

// How model images reach the serving container.
enum class ModelDelivery {
  // volumes[].image (Kubernetes image volumes): the node's runtime pulls and
  // caches the model image by digest; a second replica on a node downloads nothing.
  image_volume,
  // An init container per model runs `kiln-fetch pull` into an emptyDir, for
  // clusters whose runtime cannot mount images.
  init_container,
};

struct ServingOptions {
  ModelDelivery model_delivery = ModelDelivery::image_volume;
  // The kiln-fetch image the init containers run (init_container delivery).
  std::string fetch_image = "kiln-fetch:latest";
  // kiln-fetch talks plain HTTP to the model registry (loopback test registries).
  bool registry_plain_http = false;
  // Kiln's scheduler extender is installed: accelerated pods name kiln-scheduler.
  bool scheduler_extender = false;
  std::string scheduler_name = "kiln-scheduler";
  // The cluster's DNS domain, for scoringUri.
  std::string cluster_domain = "cluster.local";
  // What the API server served when the operator started: the Gateway API's
  // HTTPRoute (gateway.networking.k8s.io/v1) and cert-manager's Certificate.
  bool gateway_api = false;
  bool cert_manager = false;
};

}  // namespace kiln::reconcilers::inference_service
