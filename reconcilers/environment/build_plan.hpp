#pragma once

// What the operator would build for an Environment once its base image is
// pinned: the destination repository, the rendered context, the content tag
// and the build Job's name. Pure; shared by the Environment controller and
// `kiln render` / `kiln package`, so both see the same bytes.

#include <optional>
#include <string>

#include "crds/environment.hpp"
#include "reconcilers/environment/build_context.hpp"
#include "reconcilers/environment/render_options.hpp"

namespace kiln::reconcilers::environment {

struct BuildPlan {
  std::string repository;  // host[:port]/path
  BuildContext context;
  std::string tag;       // kiln-<40 hex>
  std::string job_name;  // build_job_name(repository, tag)
  std::string error;     // why nothing can be built ("" when the plan holds)
  bool ok() const { return error.empty(); }
};

// spec.build.repository, or `default_repository` (<registry>/<path>).
std::string build_repository(const api::EnvironmentSpec& spec,
                             const std::string& default_repository);

// `pinned_base`: baseImage resolved to image@sha256:...; `base_digest` its
// sha256:... ("" without a baseImage).
BuildPlan plan_build(const api::EnvironmentSpec& spec, const RenderOptions& options,
                     const std::string& default_repository,
                     const std::optional<std::string>& pinned_base, const std::string& base_digest);

}  // namespace kiln::reconcilers::environment
