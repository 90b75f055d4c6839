#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "operator/kube/object_cache.hpp"
#include "operator/kube/resource_ref.hpp"
#include "operator/manager/request.hpp"

namespace kiln::manager {

// Maps an object a controller watches to the requests it concerns
// (controller-runtime's handler.MapFunc).
using RequestMapper = std::function<std::vector<Request>(const nlohmann::json& object)>;

// The request for the object itself (handler.EnqueueRequestForObject).
std::vector<Request> request_for_object(const nlohmann::json& object);

// The request for the object's controller when that controller is of the
// owner's kind (handler.EnqueueRequestForOwner with OnlyControllerOwner): a
// child's events reconcile its parent. Owners live in the child's namespace.
std::optional<Request> controller_owner_request(const nlohmann::json& child,
                                                const kube::ResourceRef& owner);

// The requests for the objects a cache files under index value `value`,
// without decoding them: e.g. the InferenceServices whose "model" index
// holds the Model that changed.
std::vector<Request> requests_by_index(const kube::ObjectCache& cache, std::string_view index,
                                       std::string_view value);

}  // namespace kiln::manager
