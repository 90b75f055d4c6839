#pragma once

// Which model image each of the service's Model references means right now.

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "crds/inference_service.hpp"
#include "crds/model.hpp"
#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::inference_service {

// A Model version pinned for serving: its image by digest.
struct ResolvedModel {
  std::string name;
  std::int64_t version = 0;
  std::string digest;  // sha256:...
  std::string image;   // repository@sha256:...
  bool operator==(const ResolvedModel&) const = default;
};

// Models by name as the cache holds them (absent: no such Model).
using ModelsByName = std::map<std::string, api::Model>;

// Every reference resolved, in the order of spec.models, or the first problem:
// ModelNotFound, ModelNotRegistered (no version yet, or registration failed:
// the Model's Ready message is quoted), ModelVersionNotFound.
std::variant<std::vector<ResolvedModel>, Problem> resolve_models(
    const std::vector<api::ModelReference>& references, const ModelsByName& models,
    const std::string& ns);

}  // namespace kiln::reconcilers::inference_service
