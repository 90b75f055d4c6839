#include "operator/manager/controller_builder.hpp"

#include <stdexcept>

#include "operator/manager/enqueue_handler.hpp"
#include "operator/manager/manager.hpp"

namespace kiln::manager {

ControllerBuilder& ControllerBuilder::for_resource(kube::ResourceRef resource,
                                                   std::vector<Predicate> predicates) {
  primary_ = Watch{std::move(resource), request_for_object, std::move(predicates)};
  return *this;
}

ControllerBuilder& ControllerBuilder::owns(kube::ResourceRef resource,
                                           std::vector<Predicate> predicates) {
  // The mapper is set in complete(), once the owner's kind is known.
  watches_.push_back({std::move(resource), nullptr, std::move(predicates)});
  return *this;
}

ControllerBuilder& ControllerBuilder::watches(kube::ResourceRef resource, RequestMapper mapper,
                                              std::vector<Predicate> predicates) {
  watches_.push_back({std::move(resource), std::move(mapper), std::move(predicates)});
  return *this;
}

ControllerBuilder& ControllerBuilder::with_event_filter(Predicate predicate) {
  filters_.push_back(std::move(predicate));
  return *this;
}

ControllerBuilder& ControllerBuilder::workers(int count) {
  workers_ = count;
  return *this;
}

ControllerBuilder& ControllerBuilder::owned_priority(int priority) {
  owned_priority_ = priority;
  return *this;
}

Controller& ControllerBuilder::complete(Reconciler reconcile) {
  if (!primary_) throw std::logic_error("controller " + name_ + ": for_resource() is required");
  Controller& controller = manager_.add_controller(
      {.name = name_, .primary = primary_->resource, .workers = workers_}, std::move(reconcile));

  RequestMapper to_owner = [owner = primary_->resource](const nlohmann::json& object) {
    auto request = controller_owner_request(object, owner);
    return request ? std::vector<Request>{*request} : std::vector<Request>{};
  };
  auto watch = [&](Watch& w) {
    const bool owned = !w.mapper;
    if (owned) w.mapper = to_owner;
    kube::Informer& informer = manager_.informer(w.resource);
    auto predicates = w.predicates;
    predicates.insert(predicates.end(), filters_.begin(), filters_.end());
    informer.add_handler(enqueue_handler(controller, std::move(w.mapper), std::move(predicates),
                                         owned ? owned_priority_ : 0));
    controller.depends_on(informer);
  };
  watch(*primary_);
  for (auto& w : watches_) watch(w);
  return controller;
}

}  // namespace kiln::manager
