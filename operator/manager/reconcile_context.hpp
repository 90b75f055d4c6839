#pragma once

#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <string_view>

#include "operator/kube/event_recorder.hpp"
#include "operator/kube/object_cache.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/manager/reconcile_logger.hpp"
#include "operator/manager/request.hpp"
#include "operator/runtime/reconcile_result.hpp"

namespace kiln::manager {

class Controller;

// What one reconcile gets besides its Request: the primary object from the
// cache, a logger tagged with a reconcile id, the stop token, the client, the
// controller's EventRecorder and finalizer helpers.
class ReconcileContext {
 public:
  ReconcileContext(Controller& controller, Request request, std::stop_token stop);

  const Request& request() const { return request_; }
  const std::string& reconcile_id() const { return reconcile_id_; }
  const ReconcileLogger& log() const { return log_; }
  // Requested when the controller stops (shutdown, lost leadership): long
  // reconciles should give up early.
  std::stop_token stop() const { return stop_; }

  // The object being reconciled, from the controller's cache; null when it
  // is gone (deleted). Answer that with `return ctx.not_found();`.
  kube::ObjectPtr object() const;
  // Reports that the object is gone (logged with the reconcile id, counted in
  // kiln_reconcile_not_found_total{controller}) and returns done(): its
  // children go with it through their owner references.
  runtime::ReconcileResult not_found();

  kube::RestClient& client();
  // Records events.k8s.io Events as this controller (reportingController
  // "kiln.dev/<controller>").
  kube::EventRecorder& events();
  const std::string& controller_name() const;

  // Adds `finalizer` to the primary object when missing (a merge patch that
  // carries its resourceVersion, so a stale object gets a 409 ConflictError).
  // Returns the object as the server now has it, or `object` unchanged when
  // the finalizer was already there.
  nlohmann::json add_finalizer(const nlohmann::json& object, std::string_view finalizer);
  // Removes `finalizer` when present, likewise.
  nlohmann::json remove_finalizer(const nlohmann::json& object, std::string_view finalizer);

 private:
  nlohmann::json write_finalizers(const nlohmann::json& object, const nlohmann::json& finalizers);

  Controller& controller_;
  Request request_;
  std::stop_token stop_;
  std::string reconcile_id_;
  ReconcileLogger log_;
};

}  // namespace kiln::manager
