#pragma once

// The Model controller (thin): watches Models, owns their registration Jobs,
// reads the Job pod's termination message, tags new versions v<N> in the
// registry and writes status. Every decision is reconcilers/model's.

#include <memory>
#include <set>
#include <string>

#include "controllers/model/manifest_tagger.hpp"
#include "controllers/model/registry_credentials.hpp"
#include "operator/manager/manager.hpp"
#include "reconcilers/model/registration_job.hpp"

namespace kiln::controllers::model {

struct ModelControllerOptions {
  // Registry, kiln-fetch image, plain http; registry_secret and has_* are
  // filled in from `registry_credentials`.
  reconcilers::model::RegistrationSettings registration;
  RegistryCredentials registry_credentials;
  int workers = 2;
  // Only these namespaces (empty: every namespace the manager watches).
  std::set<std::string> namespaces;
};

inline constexpr const char* kModelFieldManager = "kiln-model-controller";

// Registers the controller with `mgr`: Models, their Jobs, and the Secrets
// Models name (a new Secret reconciles the Models waiting for it). Set the
// Job and Secret informers' cache options first (the operator keeps only Jobs
// labelled managed-by=kiln, and only the metadata of Secrets).
void add_model_controller(manager::Manager& mgr, ModelControllerOptions options,
                          std::shared_ptr<ManifestTagger> tagger);

}  // namespace kiln::controllers::model
