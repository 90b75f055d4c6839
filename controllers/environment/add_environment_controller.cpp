#include "controllers/environment/add_environment_controller.hpp"

#include "operator/manager/controller_builder.hpp"
#include "operator/manager/predicates.hpp"

namespace kiln::controllers::environment {

void add_environment_controller(manager::Manager& mgr, std::shared_ptr<kube::RestClient> client,
                                EnvironmentControllerOptions options, int workers) {
  auto controller = std::make_shared<EnvironmentController>(std::move(client), std::move(options));
  mgr.controller("environment")
      .for_resource(
          environments_resource(),
          {manager::any_of({manager::generation_changed(), manager::annotations_changed()})})
      .workers(workers)
      .complete([controller](const manager::Request& req, manager::ReconcileContext&) {
        return controller->reconcile(req.ns, req.name);
      });
}

}  // namespace kiln::controllers::environment
