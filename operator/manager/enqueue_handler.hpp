#pragma once

#include <vector>

#include "operator/kube/informer.hpp"
#include "operator/manager/controller.hpp"
#include "operator/manager/event_mapping.hpp"
#include "operator/manager/predicates.hpp"

namespace kiln::manager {

// The informer handler behind every watch of a controller: each add, update
// and delete that all `predicates` let through is mapped to requests, which
// are queued on `controller`. An update queues the requests of both the old
// and the new object (a child that changed owner concerns both owners).
// Requests are queued with `priority` (higher first among ready requests).
kube::EventHandler enqueue_handler(Controller& controller, RequestMapper mapper,
                                   std::vector<Predicate> predicates, int priority = 0);

}  // namespace kiln::manager
