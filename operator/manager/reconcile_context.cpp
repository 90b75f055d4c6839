#include "operator/manager/reconcile_context.hpp"

#include "operator/kube/finalizers.hpp"
#include "operator/manager/controller.hpp"

namespace kiln::manager {

ReconcileContext::ReconcileContext(Controller& controller, Request request, std::stop_token stop)
    : controller_(controller),
      request_(std::move(request)),
      stop_(std::move(stop)),
      reconcile_id_(new_reconcile_id()),
      log_(controller_.name(), request_.key(), reconcile_id_) {}

kube::ObjectPtr ReconcileContext::object() const {
  return controller_.primary_informer().cache().get(request_.ns, request_.name);
}

runtime::ReconcileResult ReconcileContext::not_found() {
  controller_.count_not_found();
  log_.info("{} not found: deleted, nothing to reconcile", controller_.primary().kind);
  return runtime::ReconcileResult::done();
}

kube::RestClient& ReconcileContext::client() {
  return controller_.client();
}

kube::EventRecorder& ReconcileContext::events() {
  return controller_.events();
}

const std::string& ReconcileContext::controller_name() const {
  return controller_.name();
}

nlohmann::json ReconcileContext::add_finalizer(const nlohmann::json& object,
                                               std::string_view finalizer) {
  nlohmann::json changed = object;
  if (!kube::add_finalizer(changed, finalizer)) return object;
  log_.info("adding finalizer {}", finalizer);
  return write_finalizers(object, changed["metadata"]["finalizers"]);
}

nlohmann::json ReconcileContext::remove_finalizer(const nlohmann::json& object,
                                                  std::string_view finalizer) {
  nlohmann::json changed = object;
  if (!kube::remove_finalizer(changed, finalizer)) return object;
  log_.info("removing finalizer {}", finalizer);
  return write_finalizers(object, changed["metadata"]["finalizers"]);
}

nlohmann::json ReconcileContext::write_finalizers(const nlohmann::json& object,
                                                  const nlohmann::json& finalizers) {
  const auto& meta = object.at("metadata");
  nlohmann::json patch = {{"metadata", {{"finalizers", finalizers}}}};
  if (meta.contains("resourceVersion")) {
    patch["metadata"]["resourceVersion"] = meta["resourceVersion"];
  }
  return client().patch(controller_.primary(), meta.value("namespace", ""), meta.value("name", ""),
                        kube::PatchType::kMerge, patch);
}

}  // namespace kiln::manager
