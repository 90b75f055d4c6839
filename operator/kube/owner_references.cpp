#include "operator/kube/owner_references.hpp"

#include <stdexcept>

namespace kiln::kube {
namespace {

nlohmann::json reference(const nlohmann::json& owner, bool controller) {
  const auto& m = owner.at("metadata");
  nlohmann::json ref = {{"apiVersion", owner.at("apiVersion")},
                        {"kind", owner.at("kind")},
                        {"name", m.at("name")},
                        {"uid", m.at("uid")}};
  if (controller) {
    ref["controller"] = true;
    ref["blockOwnerDeletion"] = true;
  }
  return ref;
}

nlohmann::json& refs_of(nlohmann::json& object) {
  auto& refs = object["metadata"]["ownerReferences"];
  if (!refs.is_array()) refs = nlohmann::json::array();
  return refs;
}

// Replaces the reference with the same uid, or appends it; true if `child` changed.
bool upsert_reference(nlohmann::json& child, nlohmann::json want) {
  auto& refs = refs_of(child);
  for (auto& ref : refs) {
    if (ref.value("uid", "") == want["uid"]) {
      if (ref == want) return false;
      ref = std::move(want);
      return true;
    }
  }
  refs.push_back(std::move(want));
  return true;
}

}  // namespace

nlohmann::json controller_reference(const nlohmann::json& owner) {
  return reference(owner, true);
}

bool set_controller_reference(nlohmann::json& child, const nlohmann::json& owner) {
  auto want = reference(owner, true);
  if (auto current = controller_of(child); current && current->value("uid", "") != want["uid"]) {
    throw std::logic_error("object " + child["metadata"].value("name", "") +
                           " is already controlled by " + current->value("kind", "") + " " +
                           current->value("name", ""));
  }
  return upsert_reference(child, std::move(want));
}

bool set_owner_reference(nlohmann::json& child, const nlohmann::json& owner) {
  return upsert_reference(child, reference(owner, false));
}

std::optional<nlohmann::json> controller_of(const nlohmann::json& object) {
  auto m = object.find("metadata");
  if (m == object.end()) return std::nullopt;
  auto refs = m->find("ownerReferences");
  if (refs == m->end() || !refs->is_array()) return std::nullopt;
  for (const auto& ref : *refs) {
    if (ref.value("controller", false)) return ref;
  }
  return std::nullopt;
}

bool is_controlled_by(const nlohmann::json& object, const nlohmann::json& owner) {
  auto c = controller_of(object);
  return c && c->value("uid", "") == owner["metadata"].value("uid", "");
}

}  // namespace kiln::kube
