#pragma once

// A ModelPackage's status (pure): from a problem found while planning, or from
// the build decision of reconcilers/environment (the same registry-HEAD / Job
// logic as an Environment). status.image stays on the last good image while a
// changed package builds or fails.
//
//   Pending   EnvironmentReady / ModelsResolved False (waiting for them)
//   Building  the build Job runs
//   Ready     status.image = repository@sha256:... (pushed and confirmed in the registry)
//   Failed    the spec is wrong, or the build failed (reason + buildLogTail)

#include <chrono>
#include <cstdint>
#include <vector>

#include "crds/environment.hpp"
#include "crds/model_package.hpp"
#include "reconcilers/environment/build_decision.hpp"
#include "reconcilers/model_package/package_plan.hpp"

namespace kiln::reconcilers::model_package {

// The build-related part of a package's status, in the Environment's shape
// (what decide_build reads and writes).
api::EnvironmentStatus build_view(const api::ModelPackageStatus& status);

api::ModelPackageStatus problem_status(const api::ModelPackageStatus& previous,
                                       std::int64_t generation, const PackageProblem& problem,
                                       std::chrono::system_clock::time_point now);

api::ModelPackageStatus build_status(const api::ModelPackageStatus& previous,
                                     std::int64_t generation,
                                     const environment::BuildDecision& decision,
                                     const std::vector<api::ModelVersionStatus>& model_versions,
                                     std::chrono::system_clock::time_point now);

// output.format DockerContext: the rendered context is stored in the registry
// as a one-layer image; Ready with status.contextUri = oci://<repository>@<digest>.
api::ModelPackageStatus context_stored_status(
    const api::ModelPackageStatus& previous, std::int64_t generation, const std::string& tag,
    const std::string& context_uri, const std::vector<api::ModelVersionStatus>& model_versions,
    std::chrono::system_clock::time_point now);

}  // namespace kiln::reconcilers::model_package
