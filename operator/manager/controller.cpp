#include "operator/manager/controller.hpp"

#include <algorithm>
#include <exception>

#include "operator/kube/api_error.hpp"
#include "operator/kube/call_scope.hpp"
#include "operator/kube/forbidden.hpp"

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
      forbidden_(metrics.counter("kiln_api_forbidden_total",
                                 "API requests of reconciles refused by RBAC (403), by the verb "
                                 "and resource the operator's role lacks",
                                 {"controller", "verb", "resource"})),
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

void Controller::start() {
  started_ = true;
  pool_.start();
}

bool Controller::stop() {
  pool_.stop();
  return started_.exchange(false);
}

std::size_t Controller::resync() {
  const auto keys = primary_informer_.cache().keys();
  for (const auto& key : keys) queue_.add_with_options(key, {.priority = runtime::kLowPriority});
  return keys.size();
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
  } catch (const kube::ForbiddenError& e) {
    report_forbidden(ctx, e.status().message.empty() ? e.what() : e.status().message);
    return runtime::ReconcileResult::error(std::string("forbidden: ") + e.what() +
                                           " (reconcileID=" + ctx.reconcile_id() + ")");
  } catch (const std::exception& e) {
    ctx.log().error("reconcile failed: {}", e.what());
    return runtime::ReconcileResult::error(std::string("reconcile threw: ") + e.what() +
                                           " (reconcileID=" + ctx.reconcile_id() + ")");
  }
}

void Controller::report_forbidden(ReconcileContext& ctx, const std::string& message) {
  const auto missing = kube::parse_forbidden_message(message);
  if (!missing) {
    forbidden_.with({spec_.name, "", ""}).inc();
    ctx.log().error("reconcile failed: the API server refused a request (403): {}", message);
    return;
  }
  const std::string resource =
      missing->resource + (missing->group.empty() ? "" : "." + missing->group);
  forbidden_.with({spec_.name, missing->verb, resource}).inc();
  const std::string text = "missing permission: " + missing->user + " may not " +
                           missing->describe() + "; add verb \"" + missing->verb + "\" on \"" +
                           missing->resource + "\" (apiGroup \"" + missing->group +
                           "\") to kiln-operator's role";
  ctx.log().error("reconcile failed: {}", text);
  // The Event itself may be refused too; the log line and the counter stand.
  try {
    if (auto object = ctx.object()) {
      ctx.events().record(*object, kube::EventType::kWarning, "Forbidden", "Reconcile", text);
    }
  } catch (const std::exception& e) {
    ctx.log().warn("cannot record the Forbidden event: {}", e.what());
  }
}

}  // namespace kiln::manager
