#pragma once

// The Environment controller (thin): reads the Environment, pins its base
// image once per generation, renders the context (reconcilers/environment),
// asks Kiln's registry whether repository:tag exists (HEAD with the push
// credentials), creates the build Job keyed by content when it does not, and
// writes status. Level-triggered: every call recomputes from the API and the
// registry; it keeps no state (the counters are for tests and metrics).
//
// Wiring into the manager: for_resource(environments), workers(N), and
// reconcile(ns, name) as the reconcile function. A Building Environment asks
// to be requeued (`building_poll`), because the Job it waits on may be shared
// with other Environments and has no owner to map back from.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "controllers/environment/image_builder.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/oci/registry_client.hpp"
#include "operator/runtime/reconcile_result.hpp"
#include "reconcilers/environment/build_job.hpp"
#include "reconcilers/environment/render_options.hpp"

namespace kiln::controllers::environment {

struct EnvironmentControllerOptions {
  reconcilers::environment::RenderOptions render;
  reconcilers::environment::BuildJobOptions job;
  // Kiln's registry (host[:port]) and how to reach it with the push credentials
  // (the operator-wide dockerconfigjson Secret, mounted into the operator).
  oci::RegistryOptions registry;
  // Default repository path under the registry, shared by all Environments so
  // that identical content is one image: <registry>/<path>:<tag>.
  std::string repository_path = "kiln/environments";
  // Docker config for resolving base images (may be the same file as the push Secret's).
  std::string base_docker_config;
  std::string base_ca_file;      // extra CA for base image registries
  bool base_plain_http = false;  // loopback test registries
  std::chrono::seconds building_poll{5};
};

kube::ResourceRef environments_resource();

class EnvironmentController {
 public:
  EnvironmentController(std::shared_ptr<kube::RestClient> client,
                        EnvironmentControllerOptions options);

  runtime::ReconcileResult reconcile(const std::string& ns, const std::string& name);

  // Jobs this controller created (a 409 from a concurrent creator does not count).
  long jobs_created() const { return builder_.jobs_created(); }
  const ImageBuilder& builder() const { return builder_; }

 private:
  std::string resolve_base(const std::string& image);  // sha256 digest of the base image

  std::shared_ptr<kube::RestClient> client_;
  EnvironmentControllerOptions options_;
  ImageBuilder builder_;
};

}  // namespace kiln::controllers::environment
