#include "reconcilers/inference_service/image_resolution.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

std::string ready_message(const api::Environment& environment) {
  const nlohmann::json ready = condition_in(environment.status.conditions, "Ready");
  return ready.is_object() ? ready.value("message", "") : "";
}

}  // namespace

std::variant<std::string, Problem> resolve_image(const api::InferenceServiceSpec& spec,
                                                 const std::optional<api::Environment>& environment,
                                                 const std::string& ns) {
  if (spec.image) return *spec.image;
  const std::string name = spec.environment_ref ? spec.environment_ref->name : "";
  const std::string who = "Environment " + ns + "/" + name;
  if (!environment) {
    return Problem{"EnvironmentNotFound",
                   who + " does not exist; create it or fix spec.environmentRef"};
  }
  const auto& status = environment->status;
  const auto phase = status.phase.value_or(api::BuildPhase::pending);
  if (phase == api::BuildPhase::failed) {
    std::string why = ready_message(*environment);
    return Problem{"EnvironmentBuildFailed",
                   who + "'s image build failed" + (why.empty() ? "" : ": " + why) +
                       "; fix the Environment (kubectl describe environment " + name + ")"};
  }
  const nlohmann::json condition = condition_in(status.conditions, "Ready");
  const bool ready = (condition.is_object() && condition.value("status", "") == "True") ||
                     phase == api::BuildPhase::ready;
  if (!ready || !status.image || status.image->empty()) {
    return Problem{"EnvironmentBuilding", who + "'s image is not built yet (phase " +
                                              std::string(api::to_string(phase)) +
                                              "); the service deploys when it is ready"};
  }
  if (status.image->find("@sha256:") == std::string::npos) {
    return Problem{"ImageNotPinned", who + " reports image " + *status.image +
                                         " without a digest; Kiln runs images by digest only"};
  }
  return *status.image;
}

}  // namespace kiln::reconcilers::inference_service
