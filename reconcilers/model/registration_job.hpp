#pragma once

// The registration Job of a Model: kiln-fetch `register` reading the source
// and pushing it to Kiln's registry (KILN_FETCH_CONTRACT.md). Pure.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "crds/model.hpp"
#include "reconcilers/placement/job_placement.hpp"

namespace kiln::reconcilers::model {

// How the operator was told to reach its registry and run kiln-fetch.
struct RegistrationSettings {
  std::string registry;     // host[:port] of Kiln's registry
  std::string fetch_image;  // the kiln-fetch image the Jobs run
  bool registry_plain_http = false;
  // A Secret in the Model's namespace the controller keeps in step with the
  // operator's push credentials: `.dockerconfigjson` and/or `ca.crt`.
  std::optional<std::string> registry_secret;
  bool registry_has_config = false;
  bool registry_has_ca = false;
  std::int64_t active_deadline_seconds = 3600;
  std::int32_t backoff_limit = 2;
  JobPlacement placement;  // --job-node-selector, --job-toleration
};

inline constexpr const char* kRegistrySecretName = "kiln-registry";
inline constexpr const char* kModelLabel = "kiln.dev/model";
inline constexpr const char* kComponentLabel = "app.kubernetes.io/component";
inline constexpr const char* kRegistrationComponent = "model-registration";
inline constexpr const char* kRegistrationKeyAnnotation = "kiln.dev/registration-key";
// Bump this annotation on a Model to register its source again (a changed
// object behind an unchanged URI).
inline constexpr const char* kReregisterAnnotation = "kiln.dev/reregister";
// On the registration Job: the resourceVersion of the source Secret it ran with.
inline constexpr const char* kSourceSecretVersionAnnotation = "kiln.dev/source-secret-version";

// <registry>/models/<namespace>/<name>
std::string model_repository(const RegistrationSettings& settings, const api::Model& model);

// A hash of everything that decides what a registration reads and checks
// (source, sha256, credentials and CA references, the reregister annotation,
// the registry). Equal keys mean the same registration; it names the Job.
std::string registration_key(const api::Model& model, const RegistrationSettings& settings);

// <name (cut to 44)>-register-<first 8 of the key>: at most 62 characters, so
// the Job's pod labels stay valid.
std::string registration_job_name(const api::Model& model, const RegistrationSettings& settings);

// The Job, owned by the Model, in the Model's namespace (a pvc:// source's
// claim can only be mounted there).
// `source_secret_version`: the source Secret's resourceVersion, recorded on
// the Job so a failure can be retried when the Secret changes ("" : none).
nlohmann::json desired_registration_job(const api::Model& model,
                                        const RegistrationSettings& settings,
                                        const std::string& source_secret_version = "");

}  // namespace kiln::reconcilers::model
