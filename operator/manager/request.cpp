#include "operator/manager/request.hpp"

#include "operator/kube/object_cache.hpp"

namespace kiln::manager {

std::string Request::key() const {
  return kube::object_key(ns, name);
}

Request Request::from_key(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

Request Request::of(const nlohmann::json& object) {
  const auto& meta = object.value("metadata", nlohmann::json::object());
  return {meta.value("namespace", ""), meta.value("name", "")};
}

}  // namespace kiln::manager
