#pragma once

// The InferenceService controller: thin. It watches InferenceServices, owns
// their children, follows the Models, Environments and script ConfigMaps they
// reference (indexes from referenced object to referrers), and applies what
// reconcilers/inference_service decides.

#include <string>

#include "operator/manager/manager.hpp"
#include "reconcilers/inference_service/options.hpp"

namespace kiln::controllers {

// The optional kinds an InferenceService may own; served_optional_kinds()
// asks discovery which are installed (gateway_api, cert_manager in serving).
kube::ResourceRef http_routes();
kube::ResourceRef certificates();

struct InferenceServiceControllerOptions {
  reconcilers::inference_service::ServingOptions serving;
  int workers = 4;
  // How often a service whose rollout is not complete is looked at again when
  // no watch event arrives (to diagnose its pods).
  int recheck_seconds = 30;
  // Pods are listed for a diagnosis only once a rollout has been under way
  // this long (isvc::worth_diagnosing).
  int diagnosis_grace_seconds = 10;
};

// Registers the controller and the cache options it needs (call before
// anything else asks the manager for the informers of the kinds it watches).
void add_inference_service_controller(manager::Manager& manager,
                                      const InferenceServiceControllerOptions& options);

// Index names on the InferenceService informer: values are "<ns>/<name>" of
// the referenced object.
// Priority of requests caused by the children's events (their rollouts'
// status): below new and edited InferenceServices (0), above the periodic
// resync (runtime::kLowPriority). With a thousand services created at once,
// every Deployment is written before any status is reported, so the rollouts
// run side by side and each service's status is usually written once, Ready.
inline constexpr int kChildEventPriority = -10;

inline constexpr const char* kModelIndex = "kiln.dev/model";
inline constexpr const char* kEnvironmentIndex = "kiln.dev/environment";
inline constexpr const char* kConfigMapIndex = "kiln.dev/script-configmap";

}  // namespace kiln::controllers
