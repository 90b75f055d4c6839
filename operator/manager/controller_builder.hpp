#pragma once

#include <optional>
#include <string>
#include <vector>

#include "operator/kube/resource_ref.hpp"
#include "operator/manager/controller.hpp"
#include "operator/manager/event_mapping.hpp"
#include "operator/manager/predicates.hpp"

namespace kiln::manager {

class Manager;

// Declares what a controller watches and how events become requests, after
// controller-runtime's builder:
//
//   manager.controller("widget")
//       .for_resource(widgets, {generation_changed()})  // its own objects
//       .owns(resources::config_maps())  // children: request = their controller owner
//       .watches(secrets, mapper)        // anything else: request(s) from a mapper
//       .workers(4)
//       .complete(reconcile);
//
// Predicates filter the events of one watch; with_event_filter() filters
// every watch of the controller. All must let an event through.
class ControllerBuilder {
 public:
  ControllerBuilder(Manager& manager, std::string name)
      : manager_(manager), name_(std::move(name)) {}

  ControllerBuilder& for_resource(kube::ResourceRef resource,
                                  std::vector<Predicate> predicates = {});
  ControllerBuilder& owns(kube::ResourceRef resource, std::vector<Predicate> predicates = {});
  ControllerBuilder& watches(kube::ResourceRef resource, RequestMapper mapper,
                             std::vector<Predicate> predicates = {});
  ControllerBuilder& with_event_filter(Predicate predicate);
  ControllerBuilder& workers(int count);
  // Priority of the requests that owns() events cause (default 0, as every
  // other event). Below 0, a controller that has many objects to act on at
  // once (a thousand new services) first writes every object's children, and
  // then looks at how their rollouts went, by which time most have finished:
  // the children's status changes that arrive meanwhile do not queue ahead of
  // objects still waiting for their first reconcile.
  ControllerBuilder& owned_priority(int priority);

  // Registers the controller with the manager. Throws std::logic_error when
  // no for_resource() was given.
  Controller& complete(Reconciler reconcile);

 private:
  struct Watch {
    kube::ResourceRef resource;
    RequestMapper mapper;  // empty for owns(): the controller owner's request
    std::vector<Predicate> predicates;
  };
  Manager& manager_;
  std::string name_;
  std::optional<Watch> primary_;
  std::vector<Watch> watches_;  // owned kinds and other watches
  std::vector<Predicate> filters_;
  int workers_ = 1;
  int owned_priority_ = 0;
};

}  // namespace kiln::manager
