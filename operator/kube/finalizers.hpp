#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace kiln::kube {

// metadata.finalizers helpers. add/remove return true when the object changed,
// so a caller writes back only when needed.
bool has_finalizer(const nlohmann::json& object, std::string_view finalizer);
bool add_finalizer(nlohmann::json& object, std::string_view finalizer);
bool remove_finalizer(nlohmann::json& object, std::string_view finalizer);
// metadata.deletionTimestamp is set: the object waits for its finalizers.
bool is_being_deleted(const nlohmann::json& object);

}  // namespace kiln::kube
