#pragma once

// What the operator keeps of the InferenceService's children in its informer
// caches: only the fields the reconciler and the controller read, so the
// cache stays small with tens of thousands of services. Each transform runs
// on an object as it arrives from a list or watch, before it is cached.

#include <nlohmann/json.hpp>

namespace kiln::reconcilers::inference_service {

// metadata: identity (name, namespace, uid), versions (resourceVersion,
// generation), creation and deletion times, labels, annotations and owner
// references; the rest (finalizers of others, generateName, ...) goes.
void trim_cached_metadata(nlohmann::json& object);

// A Deployment or DaemonSet: the metadata above, spec.replicas, and the
// status counters and conditions assess_rollout() and worth_diagnosing()
// read (Progressing and ReplicaFailure, without their transition times).
void trim_cached_workload(nlohmann::json& workload);

// A child the controller only maps to its owner and compares with what it
// applied (Service, Secret, HPA, PDB): apiVersion, kind and the metadata above.
void trim_cached_child(nlohmann::json& child);

}  // namespace kiln::reconcilers::inference_service
