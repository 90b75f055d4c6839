#pragma once

// Which serving image runs: the Environment's built image by digest, or the
// spec's prebuilt image.

#include <optional>
#include <string>
#include <variant>

#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::inference_service {

// The image, or why there is none: EnvironmentNotFound, EnvironmentBuildFailed
// (the build's message quoted), EnvironmentBuilding, ImageNotPinned.
std::variant<std::string, Problem> resolve_image(const api::InferenceServiceSpec& spec,
                                                 const std::optional<api::Environment>& environment,
                                                 const std::string& ns);

}  // namespace kiln::reconcilers::inference_service
