#include "reconcilers/environment/base_image_pin.hpp"

#include "crds/common_types.hpp"

namespace kiln::reconcilers::environment {
namespace {

std::string annotation(const nlohmann::json& metadata, const char* key) {
  auto annotations = metadata.find("annotations");
  if (annotations == metadata.end() || !annotations->is_object()) return "";
  auto value = annotations->find(key);
  return value != annotations->end() && value->is_string() ? value->get<std::string>() : "";
}

// Drops the tag of "host:port/repo:tag" (a ':' after the last '/') and any digest.
std::string repository_of(const std::string& image) {
  std::string repo = image.substr(0, image.find('@'));
  auto slash = repo.rfind('/');
  auto colon = repo.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    repo.resize(colon);
  }
  return repo;
}

}  // namespace

std::string BaseImagePin::pinned_reference() const {
  return repository_of(image) + "@" + digest;
}

std::optional<BaseImagePin> read_pin(const nlohmann::json& metadata) {
  std::string reference = annotation(metadata, kPinnedBaseAnnotation);
  std::string generation = annotation(metadata, kPinnedGenerationAnnotation);
  auto at = reference.rfind('@');
  if (at == std::string::npos || generation.empty()) return std::nullopt;
  BaseImagePin pin;
  // The annotation holds "<image as written>@<digest>".
  pin.image = reference.substr(0, at);
  pin.digest = reference.substr(at + 1);
  if (pin.digest.rfind("sha256:", 0) != 0) return std::nullopt;
  try {
    std::size_t used = 0;
    pin.generation = std::stoll(generation, &used);
    if (used != generation.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  pin.token = annotation(metadata, kPinnedTokenAnnotation);
  return pin;
}

nlohmann::json pin_annotations(const BaseImagePin& pin) {
  return {{kPinnedBaseAnnotation, pin.image + "@" + pin.digest},
          {kPinnedGenerationAnnotation, std::to_string(pin.generation)},
          {kPinnedTokenAnnotation, pin.token}};
}

bool needs_resolve(const std::optional<BaseImagePin>& recorded, const std::string& image,
                   const nlohmann::json& metadata) {
  if (!recorded) return true;
  return recorded->image != image || recorded->generation != api::meta_generation(metadata) ||
         recorded->token != annotation(metadata, kReResolveAnnotation);
}

}  // namespace kiln::reconcilers::environment
