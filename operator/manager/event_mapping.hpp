#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "operator/kube/resource_ref.hpp"

namespace kiln::manager {

// Maps an object a controller watches to the reconcile keys ("ns/name") it
// concerns (controller-runtime's handler.MapFunc).
using KeyMapper = std::function<std::vector<std::string>(const nlohmann::json& object)>;

// The key of the object itself (handler.EnqueueRequestForObject).
std::vector<std::string> key_of_object(const nlohmann::json& object);

// The key of the object's controller when that controller is of the owner's
// kind (handler.EnqueueRequestForOwner with OnlyControllerOwner): a child's
// events reconcile its parent. Owners live in the child's namespace.
std::optional<std::string> controller_owner_key(const nlohmann::json& child,
                                                const kube::ResourceRef& owner);

}  // namespace kiln::manager
