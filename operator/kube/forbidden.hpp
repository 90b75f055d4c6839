#pragma once

// What a 403 from the API server says is missing: the RBAC authorizer's
// message names the user, the verb, the resource, its API group and the
// namespace ("... cannot patch resource \"horizontalpodautoscalers\" in API
// group \"autoscaling\" in the namespace \"prod\""). Operators report it with
// these fields so an admin knows which rule to add.

#include <optional>
#include <string>

namespace kiln::kube {

struct MissingPermission {
  std::string user;        // system:serviceaccount:kiln-system:kiln-operator
  std::string verb;        // patch
  std::string resource;    // horizontalpodautoscalers (or pods/log)
  std::string group;       // autoscaling; empty for the core group
  std::string namespace_;  // empty: the cluster scope
  std::string name;        // the object's name when the message gives one

  // "patch horizontalpodautoscalers.autoscaling in namespace prod"
  std::string describe() const;
};

// The missing permission in an RBAC "forbidden" message; nullopt when the
// message does not have that shape (a webhook's or another authorizer's).
std::optional<MissingPermission> parse_forbidden_message(const std::string& message);

}  // namespace kiln::kube
