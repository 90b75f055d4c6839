#include "operator/manager/enqueue_handler.hpp"

namespace kiln::manager {

kube::EventHandler enqueue_handler(Controller& controller, RequestMapper mapper,
                                   std::vector<Predicate> predicates, int priority) {
  auto enqueue = [&controller, mapper = std::move(mapper), priority](const nlohmann::json& object) {
    for (const auto& request : mapper(object)) controller.enqueue(request, priority);
  };
  return kube::EventHandler{
      .on_add =
          [enqueue, predicates](const kube::ObjectPtr& o) {
            if (passes_create(predicates, *o)) enqueue(*o);
          },
      .on_update =
          [enqueue, predicates](const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
            if (!passes_update(predicates, *old_obj, *new_obj)) return;
            enqueue(*old_obj);
            enqueue(*new_obj);
          },
      .on_delete =
          [enqueue, predicates](const kube::ObjectPtr& o) {
            if (passes_remove(predicates, *o)) enqueue(*o);
          },
  };
}

}  // namespace kiln::manager
