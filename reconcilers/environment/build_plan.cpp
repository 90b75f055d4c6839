#include "reconcilers/environment/build_plan.hpp"

#include "reconcilers/environment/build_job.hpp"
#include "reconcilers/environment/content_tag.hpp"
#include "reconcilers/environment/environment_renderer.hpp"
#include "reconcilers/environment/python_setup.hpp"

namespace kiln::reconcilers::environment {

std::string build_repository(const api::EnvironmentSpec& spec,
                             const std::string& default_repository) {
  return spec.build && spec.build->repository ? *spec.build->repository : default_repository;
}

BuildPlan plan_build(const api::EnvironmentSpec& spec, const RenderOptions& options,
                     const std::string& default_repository,
                     const std::optional<std::string>& pinned_base,
                     const std::string& base_digest) {
  BuildPlan plan;
  plan.repository = build_repository(spec, default_repository);
  plan.error = unsupported_python(spec);
  if (!plan.ok()) return plan;
  auto rendered = render_environment(spec, options, pinned_base);
  if (!rendered.ok()) {
    plan.error = rendered.error;
    return plan;
  }
  plan.context = std::move(rendered.context);
  plan.error = context_too_large(plan.context);
  if (!plan.ok()) return plan;
  plan.tag = content_tag({plan.context, base_digest, options.serve_version});
  plan.job_name = build_job_name(plan.repository, plan.tag);
  return plan;
}

}  // namespace kiln::reconcilers::environment
