#pragma once

// The content-addressed tag of an Environment's image: a SHA-256 over the
// rendered build context (every file, by path), the base image resolved to its
// digest and the kiln-serve version. Identical Environments share one tag, so
// one build; any input that changes what would be built changes the tag.

#include <string>

#include "reconcilers/environment/build_context.hpp"

namespace kiln::reconcilers::environment {

struct TagInputs {
  const BuildContext& context;
  std::string base_digest;  // sha256:... of the base image's manifest ("" for baseDockerfile)
  std::string serve_version;
};

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

// "sha256:<64 hex>" over a length-prefixed serialisation of the inputs.
std::string content_digest(const TagInputs& inputs);

// The image tag: "kiln-" + the first 40 hex digits of the content digest
// (160 bits; a valid tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}).
std::string content_tag(const TagInputs& inputs);

}  // namespace kiln::reconcilers::environment
