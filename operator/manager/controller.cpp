#include "operator/manager/controller.hpp"

namespace kiln::manager {

Controller::Controller(std::string name, runtime::ReconcileFunction reconcile, int workers,
                       runtime::MetricsRegistry& metrics)
    : name_(std::move(name)),
      queue_(runtime::WorkQueueOptions{.name = name_, .metrics = &metrics}),
      pool_(queue_, std::move(reconcile),
            runtime::WorkerPoolOptions{.controller = name_, .workers = workers, .metrics = &metrics}) {}

}  // namespace kiln::manager
