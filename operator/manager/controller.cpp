#include "operator/manager/controller.hpp"

#include <algorithm>
#include <exception>

#include "operator/kube/call_scope.hpp"

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

Controller::Controller(ControllerSpec spec, kube::Informer& primary_informer, Reconciler reconcile,
                       std::shared_ptr<kube::RestClient> client, runtime::MetricsRegistry& metrics,
                       const std::string& instance)
    : spec_(std::move(spec)),
      primary_informer_(primary_informer),
      reconcile_(std::move(reconcile)),
      client_(std::move(client)),
      events_(client_, "kiln.dev/" + spec_.name, instance),
      not_found_(metrics
                     .counter("kiln_reconcile_not_found_total",
                              "Reconciles whose object was gone from the cache (deleted)",
                              {"controller"})
                     .with({spec_.name})),
      queue_(queue_options(spec_.name, metrics)),
      pool_(
          queue_,
          [this](const std::string& key, std::stop_token stop) {
            return reconcile_key(key, std::move(stop));
          },
          runtime::WorkerPoolOptions{
              .controller = spec_.name, .workers = spec_.workers, .metrics = &metrics}) {
  depends_on(primary_informer);
}

void Controller::depends_on(kube::Informer& informer) {
  if (std::find(informers_.begin(), informers_.end(), &informer) == informers_.end()) {
    informers_.push_back(&informer);
  }
}

runtime::ReconcileResult Controller::reconcile_key(const std::string& key, std::stop_token stop) {
  ReconcileContext ctx(*this, Request::from_key(key), stop);
  // The reconcile's API calls end when the controller stops (shutdown, lost
  // leadership): a call in flight is aborted rather than waited for, so a
  // demoted leader stops writing within about a second.
  kube::CallScope calls(stop);
  try {
    return reconcile_(ctx.request(), ctx);
  } catch (const std::exception& e) {
    ctx.log().error("reconcile failed: {}", e.what());
    return runtime::ReconcileResult::error(std::string("reconcile threw: ") + e.what() +
                                           " (reconcileID=" + ctx.reconcile_id() + ")");
  }
}

}  // namespace kiln::manager
