#pragma once

// Registers the ModelPackage controller with the manager: ModelPackages whose
// spec or annotations change are reconciled, and so are the packages of an
// Environment or Model that changes (indexes on spec.environmentRef and
// spec.models), so a package waiting for its Environment builds as soon as
// that is Ready.
//
//   controllers::model_package::add_model_package_controller(mgr, client, std::move(options), 2);

#include <memory>

#include "controllers/model_package/model_package_controller.hpp"
#include "operator/manager/manager.hpp"

namespace kiln::controllers::model_package {

void add_model_package_controller(manager::Manager& mgr, std::shared_ptr<kube::RestClient> client,
                                  ModelPackageControllerOptions options, int workers = 2);

}  // namespace kiln::controllers::model_package
