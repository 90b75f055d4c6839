#pragma once

// The ModelPackage controller (thin): reads the ModelPackage, its Environment,
// the Models of its namespace and the source ConfigMap; plans the package
// (reconcilers/model_package), renders it on the Environment's image
// (reconcilers/environment: render_package_on_image), tags it by content and
// builds it through the same registry HEAD + build Job as an Environment
// (ImageBuilder): a tag already in the registry is never built again, and two
// packages of the same content and repository share one Job.
//
// Level-triggered, stateless: a Pending package (waiting for its Environment or
// Models) and a Building one ask to be requeued.

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

namespace kiln::controllers::model_package {

struct ModelPackageControllerOptions {
  reconcilers::environment::RenderOptions render;  // serve_version goes into the tag
  reconcilers::environment::BuildJobOptions job;   // Kiln's namespace, builder, push Secret
  oci::RegistryOptions registry;                   // Kiln's registry, push credentials
  std::chrono::seconds building_poll{5};
  std::chrono::seconds waiting_poll{10};  // Pending: Environment or Models not ready yet
};

class ModelPackageController {
 public:
  ModelPackageController(std::shared_ptr<kube::RestClient> client,
                         ModelPackageControllerOptions options);

  runtime::ReconcileResult reconcile(const std::string& ns, const std::string& name);

  long jobs_created() const { return builder_.jobs_created(); }

 private:
  std::shared_ptr<kube::RestClient> client_;
  ModelPackageControllerOptions options_;
  // output.format DockerContext: the context as a one-layer image (HEAD first;
  // pushed when absent; small: models are referenced, never copied). Its digest.
  std::string store_context(const std::string& repository, const std::string& tag,
                            const std::string& archive);

  environment::ImageBuilder builder_;
  std::mutex registry_mutex_;  // RegistryClient is not thread-safe
  oci::RegistryClient registry_;
};

}  // namespace kiln::controllers::model_package
