#pragma once

// Inputs for the InferenceService reconciler tests: a service per target,
// registered Models, a built Environment, and Deployments as the API reports them.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "crds/model.hpp"
#include "reconcilers/inference_service/desired_state.hpp"

namespace kiln::testing::isvc {

inline constexpr const char* kEnvImage =
    "registry.kiln.test/environments/ns1/sklearn@sha256:"
    "1111111111111111111111111111111111111111111111111111111111111111";

// An InferenceService named `name` in ns1, uid-123, generation 1, with the
// CRD's defaults applied; `spec` is merged over a minimal valid spec.
api::InferenceService make_service(const nlohmann::json& spec_patch,
                                   const std::string& name = "svc");

// A Model with versions 1..latest registered (digest sha256:<version repeated>).
api::Model make_model(const std::string& name, int latest);

// A ready Environment named sklearn-env with kEnvImage.
api::Environment ready_environment();

// A digest "sha256:" + 64 copies of `c`.
std::string digest_of(char c);

// The Deployment as the API returns it after `desired` was applied, with its
// status saying whether the rollout of that generation finished.
nlohmann::json observed_deployment(const nlohmann::json& desired, std::int64_t generation,
                                   bool rolled_out, int replicas = 1);

std::chrono::system_clock::time_point fixed_now();

}  // namespace kiln::testing::isvc
