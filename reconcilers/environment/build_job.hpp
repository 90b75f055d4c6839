#pragma once

// The build Job of one content tag (pure): a kaniko executor Job in Kiln's own
// namespace, its build context delivered by a ConfigMap, pushing with the
// operator-wide push Secret, caching layers in the registry.
//
// Keyed by content: the Job's name is derived from the tag, so creating it is
// the lock — a second creator (another worker, a new leader after a failover,
// another Environment with the same content) gets 409 AlreadyExists and waits
// on the same Job. Jobs carry no owner reference to any Environment, so
// deleting one Environment never cancels a build another waits on;
// ttlSecondsAfterFinished removes finished Jobs and the ConfigMap (owned by
// the Job) goes with them. Images are never deleted.
//
// Pod Security: kaniko runs as root inside its container (no privileges, no
// added capabilities, no host paths), which the `baseline` level admits and
// `restricted` rejects: label Kiln's namespace
// pod-security.kubernetes.io/enforce=baseline.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "crds/environment.hpp"
#include "reconcilers/environment/build_context.hpp"
#include "reconcilers/placement/job_placement.hpp"

namespace kiln::reconcilers::environment {

struct BuildJobOptions {
  std::string namespace_ = "kiln-system";
  // Daemonless and unprivileged. kaniko v1.24.0 by default; the maintained
  // chainguard-dev fork (v1.25.0) takes the same flags.
  std::string builder_image = "gcr.io/kaniko-project/executor:v1.24.0";
  // kubernetes.io/dockerconfigjson Secret in namespace_ with push (and base image pull) rights.
  std::string push_secret = "kiln-registry-push";
  bool layer_cache = true;         // --cache with --cache-repo=<repository>/cache
  bool insecure_registry = false;  // plain-HTTP registry (loopback test registries)
  std::int32_t backoff_limit = 1;  // one retry, then Failed: never retries forever
  std::int32_t ttl_seconds_after_finished = 3600;
  std::int32_t default_timeout_seconds = 3600;
  JobPlacement placement;  // --job-node-selector, --job-toleration
};

inline constexpr const char* kBuildTagLabel = "kiln.dev/build-tag";
inline constexpr const char* kImageAnnotation = "kiln.dev/image";
inline constexpr std::size_t kConfigMapLimitBytes =
    1000 * 1000;  // under the API's 1 MiB object limit

// "kiln-build-<40 hex of SHA-256(repository:tag)>": one name per destination
// (the same content pushed to two repositories is two builds), 51 characters.
std::string build_job_name(const std::string& repository, const std::string& tag);

// The ConfigMap holding the context: keys f0, f1, ... in path order, mapped
// back to paths by the Job's volume items (ConfigMap keys cannot hold '/').
nlohmann::json build_context_config_map(const std::string& repository, const std::string& tag,
                                        const BuildContext& context,
                                        const BuildJobOptions& options);

// The Job. `repository` is host[:port]/path; the image goes to repository:tag.
// `build` carries the Environment's timeout and resources (nullopt: defaults).
nlohmann::json build_job(const std::string& tag, const BuildContext& context,
                         const std::string& repository,
                         const std::optional<api::BuildSettings>& build,
                         const BuildJobOptions& options);

// The context ConfigMap owned by its Job (uid: the created Job's), so it is
// garbage-collected with the Job (ttlSecondsAfterFinished).
void set_owned_by_job(nlohmann::json& config_map, const std::string& job_name,
                      const nlohmann::json& job_uid);

// Whether the context fits a ConfigMap ("" when it does, else why not).
std::string context_too_large(const BuildContext& context);

}  // namespace kiln::reconcilers::environment
