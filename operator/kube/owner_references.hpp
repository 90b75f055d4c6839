#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kiln::kube {

// An ownerReference to `owner` with controller: true and blockOwnerDeletion:
// true, so the garbage collector deletes the child with its owner (and a
// foreground delete of the owner waits for it).
nlohmann::json controller_reference(const nlohmann::json& owner);

// Sets `owner` as the controller of `child`. Throws std::logic_error when the
// child already has a different controller (an object has at most one).
// Returns true when the child changed.
bool set_controller_reference(nlohmann::json& child, const nlohmann::json& owner);

// Adds a non-controller ownerReference (replacing one with the same uid).
bool set_owner_reference(nlohmann::json& child, const nlohmann::json& owner);

// The ownerReference with controller: true, if any.
std::optional<nlohmann::json> controller_of(const nlohmann::json& object);
bool is_controlled_by(const nlohmann::json& object, const nlohmann::json& owner);

}  // namespace kiln::kube
