#include "operator/manager/controller_builder.hpp"

#include <stdexcept>

#include "operator/manager/manager.hpp"

namespace kiln::manager {
namespace {

// Enqueues the keys `mapper` gives for every add, update and delete.
kube::EventHandler enqueue_mapped(Controller& controller, KeyMapper mapper) {
  auto enqueue = [&controller, mapper](const kube::ObjectPtr& object) {
    for (const auto& key : mapper(*object)) controller.enqueue(key);
  };
  return kube::EventHandler{
      .on_add = enqueue,
      .on_update =
          [enqueue](const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
            // A child that changed owner concerns both the old and the new one.
            enqueue(old_obj);
            enqueue(new_obj);
          },
      .on_delete = enqueue,
  };
}

}  // namespace

ControllerBuilder& ControllerBuilder::for_resource(kube::ResourceRef resource) {
  primary_ = std::move(resource);
  return *this;
}

ControllerBuilder& ControllerBuilder::owns(kube::ResourceRef resource) {
  owned_.push_back(std::move(resource));
  return *this;
}

ControllerBuilder& ControllerBuilder::watches(kube::ResourceRef resource, KeyMapper mapper) {
  watches_.push_back({std::move(resource), std::move(mapper)});
  return *this;
}

ControllerBuilder& ControllerBuilder::workers(int count) {
  workers_ = count;
  return *this;
}

Controller& ControllerBuilder::complete(runtime::ReconcileFunction reconcile) {
  if (!primary_) throw std::logic_error("controller " + name_ + ": for_resource() is required");
  Controller& controller = manager_.add_controller(name_, std::move(reconcile), workers_);

  auto watch = [&](const kube::ResourceRef& resource, KeyMapper mapper) {
    kube::Informer& informer = manager_.informer(resource);
    informer.add_handler(enqueue_mapped(controller, std::move(mapper)));
    controller.depends_on(informer);
  };
  watch(*primary_, key_of_object);
  for (const auto& child : owned_) {
    watch(child, [owner = *primary_](const nlohmann::json& object) {
      auto key = controller_owner_key(object, owner);
      return key ? std::vector<std::string>{*key} : std::vector<std::string>{};
    });
  }
  for (auto& w : watches_) watch(w.resource, std::move(w.mapper));
  return controller;
}

}  // namespace kiln::manager
