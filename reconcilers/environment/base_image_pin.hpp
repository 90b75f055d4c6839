#pragma once

// The base image is resolved to a digest once per Environment generation and
// the answer is recorded on the Environment (annotations below), so an
// upstream retag of the base image never triggers a rebuild or a rollout. A
// spec change re-resolves; so does changing the annotation
// kiln.dev/re-resolve-base (any new value, e.g. a timestamp):
//
//   kubectl annotate environment myenv kiln.dev/re-resolve-base="$(date +%s)" --overwrite

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kiln::reconcilers::environment {

// Written by the user to force a re-resolve.
inline constexpr const char* kReResolveAnnotation = "kiln.dev/re-resolve-base";
// Written by Kiln: the pinned reference, the generation and the re-resolve token it was made for.
inline constexpr const char* kPinnedBaseAnnotation = "kiln.dev/pinned-base-image";
inline constexpr const char* kPinnedGenerationAnnotation = "kiln.dev/pinned-base-generation";
inline constexpr const char* kPinnedTokenAnnotation = "kiln.dev/pinned-base-token";

struct BaseImagePin {
  std::string image;            // as written in the spec, e.g. python:3.11-slim
  std::string digest;           // sha256:...
  std::int64_t generation = 0;  // metadata.generation it was resolved for
  std::string token;            // kiln.dev/re-resolve-base at that time
  bool operator==(const BaseImagePin&) const = default;

  // image@digest (a tag in `image` is dropped: the digest names the content).
  std::string pinned_reference() const;
};

// The pin recorded in an Environment's metadata, if a complete one is there.
std::optional<BaseImagePin> read_pin(const nlohmann::json& metadata);

// The annotations that record `pin` (a merge patch's metadata.annotations).
nlohmann::json pin_annotations(const BaseImagePin& pin);

// Whether the base image must be resolved (again) for this generation.
bool needs_resolve(const std::optional<BaseImagePin>& recorded, const std::string& image,
                   const nlohmann::json& metadata);

}  // namespace kiln::reconcilers::environment
