#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

namespace kiln::manager {

// Decides which watch events reach a controller's queue (controller-runtime's
// predicate.Funcs). An empty function lets every event of its kind through.
struct Predicate {
  std::function<bool(const nlohmann::json& object)> create;
  std::function<bool(const nlohmann::json& old_obj, const nlohmann::json& new_obj)> update;
  std::function<bool(const nlohmann::json& object)> remove;
};

// Updates pass only when metadata.generation changed: writes to status (or
// metadata) do not re-trigger the object's own reconcile. Objects without a
// generation always pass. Creates and deletes always pass.
Predicate generation_changed();
// Updates pass only when metadata.labels changed.
Predicate labels_changed();
// Updates pass only when metadata.annotations changed.
Predicate annotations_changed();
// Updates pass when any of the predicates lets them through (e.g. generation
// or labels changed); creates and deletes likewise.
Predicate any_of(std::vector<Predicate> predicates);

// Whether every predicate lets the event through (all of them must).
bool passes_create(const std::vector<Predicate>& predicates, const nlohmann::json& object);
bool passes_update(const std::vector<Predicate>& predicates, const nlohmann::json& old_obj,
                   const nlohmann::json& new_obj);
bool passes_remove(const std::vector<Predicate>& predicates, const nlohmann::json& object);

}  // namespace kiln::manager
