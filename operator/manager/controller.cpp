#include "operator/manager/controller.hpp"

namespace kiln::manager {
namespace {

runtime::WorkQueueOptions queue_options(const std::string& name,
                                        runtime::MetricsRegistry& metrics) {
  runtime::WorkQueueOptions options;
  options.name = name;
  options.metrics = &metrics;
  return options;
}

}  // namespace

Controller::Controller(std::string name, runtime::ReconcileFunction reconcile, int workers,
                       runtime::MetricsRegistry& metrics)
    : name_(std::move(name)),
      queue_(queue_options(name_, metrics)),
      pool_(queue_, std::move(reconcile),
            runtime::WorkerPoolOptions{
                .controller = name_, .workers = workers, .metrics = &metrics}) {}

}  // namespace kiln::manager
