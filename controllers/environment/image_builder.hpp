#pragma once

// One content-addressed image build through a Job, shared by the Environment
// and ModelPackage controllers (thin I/O; the decisions are
// reconcilers/environment/build_decision.hpp):
//
//   observe(): HEAD repository:tag in Kiln's registry with the push
//              credentials; on a miss, GET the Job keyed by repository:tag and,
//              when it failed, the builder's termination message (log tail).
//              A running Job whose context ConfigMap is missing (its creator
//              died between the two creates, e.g. a leader killed mid-way) gets
//              the ConfigMap now: a new leader adopts the build, never starts
//              a second one.
//   start():   POST the Job, then its ConfigMap owned by the Job; a 409 means
//              another worker, replica or object started the same build.
//
//   ImageBuilder builder(client, registry_options, job_options);
//   env::BuildObservation observed{...repository, tag, job_name...};
//   builder.observe(observed, context);
//   auto decision = env::decide_build(previous, generation, observed, now);
//   if (decision.create_job) builder.start(observed, context, build_settings);

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "crds/environment.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/oci/registry_client.hpp"
#include "reconcilers/environment/build_context.hpp"
#include "reconcilers/environment/build_decision.hpp"
#include "reconcilers/environment/build_job.hpp"

namespace kiln::controllers::environment {

class ImageBuilder {
 public:
  ImageBuilder(std::shared_ptr<kube::RestClient> client, oci::RegistryOptions registry,
               reconcilers::environment::BuildJobOptions job);

  // `observed.repository`, `.tag` and `.job_name` must be set; fills the rest.
  void observe(reconcilers::environment::BuildObservation& observed,
               const reconcilers::environment::BuildContext& context);

  // Creates the Job and its ConfigMap; false when another creator was first.
  bool start(const reconcilers::environment::BuildObservation& observed,
             const reconcilers::environment::BuildContext& context,
             const std::optional<api::BuildSettings>& build);

  // Jobs this builder created (a 409 from a concurrent creator does not count).
  long jobs_created() const { return jobs_created_.load(); }
  // ConfigMaps re-created for a running Job that had none (adopted builds).
  long contexts_restored() const { return contexts_restored_.load(); }

  const reconcilers::environment::BuildJobOptions& job_options() const { return job_; }

 private:
  void ensure_context(const nlohmann::json& job,
                      const reconcilers::environment::BuildObservation& observed,
                      const reconcilers::environment::BuildContext& context);

  std::shared_ptr<kube::RestClient> client_;
  reconcilers::environment::BuildJobOptions job_;
  std::mutex registry_mutex_;  // RegistryClient is not thread-safe
  oci::RegistryClient registry_;
  std::atomic<long> jobs_created_{0};
  std::atomic<long> contexts_restored_{0};
};

}  // namespace kiln::controllers::environment
