#include "reconcilers/inference_service/model_resolution.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

// repository@sha256:... from an image reference that may carry a tag or digest.
std::string repository_of(const std::string& image) {
  auto at = image.find('@');
  std::string repo = at == std::string::npos ? image : image.substr(0, at);
  auto slash = repo.rfind('/');
  auto colon = repo.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    repo.resize(colon);
  }
  return repo;
}

std::string pinned_image(const std::optional<std::string>& image, const std::string& repo_hint,
                         const std::string& digest) {
  if (image && image->find("@sha256:") != std::string::npos) return *image;
  const std::string repo = image ? repository_of(*image) : repository_of(repo_hint);
  if (repo.empty()) return {};
  return repo + "@" + digest;
}

std::string not_registered_message(const api::Model& model, const std::string& ns) {
  const std::string name = api::meta_name(model.metadata);
  std::string message = "Model " + ns + "/" + name + " has no registered version yet";
  const nlohmann::json ready = condition_in(model.status.conditions, "Ready");
  if (ready.is_object()) {
    const std::string why = ready.value("message", "");
    if (!why.empty()) message += ": " + why;
  }
  return message +
         "; the service deploys once the Model's registration succeeds (kubectl describe model " +
         name + ")";
}

}  // namespace

std::variant<std::vector<ResolvedModel>, Problem> resolve_models(
    const std::vector<api::ModelReference>& references, const ModelsByName& models,
    const std::string& ns) {
  std::vector<ResolvedModel> resolved;
  for (const auto& ref : references) {
    auto it = models.find(ref.name);
    if (it == models.end()) {
      return Problem{"ModelNotFound",
                     "Model " + ns + "/" + ref.name +
                         " does not exist; create it (kubectl apply -f model.yaml) "
                         "or fix spec.models"};
    }
    const api::Model& model = it->second;
    const auto& status = model.status;
    if (!status.version || !status.digest || status.digest->empty()) {
      return Problem{"ModelNotRegistered", not_registered_message(model, ns)};
    }
    const std::string repo_hint = status.image.value_or("");
    if (!ref.version || *ref.version == *status.version) {
      std::string image = pinned_image(status.image, repo_hint, *status.digest);
      if (image.empty()) {
        return Problem{"ModelNotRegistered",
                       "Model " + ns + "/" + ref.name + " reports no status.image yet"};
      }
      resolved.push_back({ref.name, *status.version, *status.digest, image});
      continue;
    }
    const api::ModelVersion* found = nullptr;
    for (const auto& v : status.versions) {
      if (v.version == *ref.version) found = &v;
    }
    if (!found || found->digest.empty()) {
      std::string known;
      for (const auto& v : status.versions) {
        known += (known.empty() ? "" : ", ") + std::to_string(v.version);
      }
      return Problem{"ModelVersionNotFound",
                     "Model " + ns + "/" + ref.name + " has no version " +
                         std::to_string(*ref.version) +
                         " (known: " + (known.empty() ? "none" : known) +
                         "); pin an existing version or remove spec.models[].version to follow "
                         "the latest"};
    }
    std::string image = pinned_image(found->image, repo_hint, found->digest);
    if (image.empty()) {
      return Problem{"ModelNotRegistered", "Model " + ns + "/" + ref.name + " version " +
                                               std::to_string(found->version) +
                                               " has no image recorded"};
    }
    resolved.push_back({ref.name, found->version, found->digest, image});
  }
  return resolved;
}

}  // namespace kiln::reconcilers::inference_service
