#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "operator/kube/event_recorder.hpp"
#include "operator/kube/informer.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/manager/reconcile_context.hpp"
#include "operator/manager/request.hpp"
#include "operator/runtime/metrics_registry.hpp"
#include "operator/runtime/work_queue.hpp"
#include "operator/runtime/worker_pool.hpp"

namespace kiln::manager {

// Reconciles one object. An exception counts as an error (retried with
// backoff) and is logged with the reconcile id.
using Reconciler = std::function<runtime::ReconcileResult(const Request&, ReconcileContext&)>;

// What a controller is made of, besides its reconciler.
struct ControllerSpec {
  std::string name;
  kube::ResourceRef primary;  // the kind it reconciles (for_resource)
  int workers = 1;
};

// One controller: a work queue of requests fed by informer events, and
// workers that reconcile them. Events are queued from the moment the
// controller is built (de-duplicated per object), while workers run only
// between start() and stop(): a standby replica keeps warm caches but writes
// nothing.
class Controller {
 public:
  Controller(ControllerSpec spec, kube::Informer& primary_informer, Reconciler reconcile,
             std::shared_ptr<kube::RestClient> client, runtime::MetricsRegistry& metrics,
             const std::string& instance);
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const std::string& name() const { return spec_.name; }
  const kube::ResourceRef& primary() const { return spec_.primary; }
  const kube::Informer& primary_informer() const { return primary_informer_; }
  // `priority`: higher first among ready requests (runtime::AddOptions).
  void enqueue(const Request& request, int priority = 0) {
    if (priority == 0) {
      queue_.add(request.key());
    } else {
      queue_.add_with_options(request.key(), {.priority = priority});
    }
  }
  runtime::WorkQueue& queue() { return queue_; }

  kube::RestClient& client() { return *client_; }
  kube::EventRecorder& events() { return events_; }

  // The informers whose sync the workers wait for.
  void depends_on(kube::Informer& informer);
  const std::vector<kube::Informer*>& informers() const { return informers_; }

  void start();
  // Stops taking keys and waits for reconciles in flight (they see their stop
  // token requested, and their API calls are aborted). Not restartable.
  // Returns whether the controller had been started.
  bool stop();
  // Queues every object of the primary cache (low priority, so real changes
  // go first): the periodic resync. Returns how many.
  std::size_t resync();

  // One reconcile of a queued key, as the workers run it.
  runtime::ReconcileResult reconcile_key(const std::string& key, std::stop_token stop);
  void count_not_found() { not_found_.inc(); }

 private:
  // A 403 that escaped the reconcile: logged with the verb and resource the
  // operator's RBAC lacks, counted (kiln_api_forbidden_total), and recorded
  // as a Warning Event on the object.
  void report_forbidden(ReconcileContext& ctx, const std::string& message);

  ControllerSpec spec_;
  kube::Informer& primary_informer_;
  Reconciler reconcile_;
  std::shared_ptr<kube::RestClient> client_;
  kube::EventRecorder events_;
  runtime::Counter& not_found_;
  runtime::CounterFamily& forbidden_;
  runtime::WorkQueue queue_;
  runtime::WorkerPool pool_;
  std::vector<kube::Informer*> informers_;
  std::atomic<bool> started_{false};
};

}  // namespace kiln::manager
