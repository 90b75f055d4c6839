#pragma once

// Registers the Environment controller with the manager: Environments whose
// spec (generation) or annotations (the re-resolve annotation) change are
// reconciled; a Building one polls its shared Job (EnvironmentControllerOptions::building_poll).
//
//   controllers::environment::add_environment_controller(mgr, client, std::move(options), workers);

#include <memory>

#include "controllers/environment/environment_controller.hpp"
#include "operator/manager/manager.hpp"

namespace kiln::controllers::environment {

void add_environment_controller(manager::Manager& mgr, std::shared_ptr<kube::RestClient> client,
                                EnvironmentControllerOptions options, int workers = 2);

}  // namespace kiln::controllers::environment
