#pragma once

#include <string>
#include <vector>

#include "operator/kube/resource_ref.hpp"
#include "operator/manager/controller.hpp"
#include "operator/manager/event_mapping.hpp"

namespace kiln::manager {

class Manager;

// Declares what a controller watches and how events become keys, after
// controller-runtime's builder:
//
//   manager.controller("widget")
//       .for_resource(widgets)        // its own objects: key = the object
//       .owns(resources::config_maps())  // children: key = their controller owner
//       .watches(secrets, mapper)     // anything else: key(s) from a mapper
//       .workers(4)
//       .complete(reconcile);
class ControllerBuilder {
 public:
  ControllerBuilder(Manager& manager, std::string name)
      : manager_(manager), name_(std::move(name)) {}

  ControllerBuilder& for_resource(kube::ResourceRef resource);
  ControllerBuilder& owns(kube::ResourceRef resource);
  ControllerBuilder& watches(kube::ResourceRef resource, KeyMapper mapper);
  ControllerBuilder& workers(int count);

  // Registers the controller with the manager. Throws std::logic_error when
  // no for_resource() was given.
  Controller& complete(runtime::ReconcileFunction reconcile);

 private:
  struct Watch {
    kube::ResourceRef resource;
    KeyMapper mapper;
  };
  Manager& manager_;
  std::string name_;
  std::optional<kube::ResourceRef> primary_;
  std::vector<kube::ResourceRef> owned_;
  std::vector<Watch> watches_;
  int workers_ = 1;
};

}  // namespace kiln::manager
