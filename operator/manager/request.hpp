#pragma once

#include <compare>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kiln::manager {

// What a reconcile is asked to look at: one object, by namespace and name
// (controller-runtime's reconcile.Request). `ns` is empty for cluster-scoped
// objects.
struct Request {
  std::string ns;
  std::string name;

  // "namespace/name", or "name" when cluster-scoped: the work queue's key and
  // the informer cache's key.
  std::string key() const;
  // The inverse of key(): "a/b" -> {a, b}, "b" -> {"", b}.
  static Request from_key(std::string_view key);
  // The request for an object, from its metadata.
  static Request of(const nlohmann::json& object);

  auto operator<=>(const Request&) const = default;
};

}  // namespace kiln::manager
