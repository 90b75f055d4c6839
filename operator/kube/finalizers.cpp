#include "operator/kube/finalizers.hpp"

#include <string>

namespace kiln::kube {

bool has_finalizer(const nlohmann::json& object, std::string_view finalizer) {
  auto m = object.find("metadata");
  if (m == object.end()) return false;
  auto f = m->find("finalizers");
  if (f == m->end() || !f->is_array()) return false;
  for (const auto& v : *f) {
    if (v.is_string() && v.get_ref<const std::string&>() == finalizer) return true;
  }
  return false;
}

bool add_finalizer(nlohmann::json& object, std::string_view finalizer) {
  if (has_finalizer(object, finalizer)) return false;
  auto& f = object["metadata"]["finalizers"];
  if (!f.is_array()) f = nlohmann::json::array();
  f.push_back(std::string(finalizer));
  return true;
}

bool remove_finalizer(nlohmann::json& object, std::string_view finalizer) {
  if (!has_finalizer(object, finalizer)) return false;
  auto& f = object["metadata"]["finalizers"];
  nlohmann::json kept = nlohmann::json::array();
  for (auto& v : f) {
    if (!(v.is_string() && v.get_ref<const std::string&>() == finalizer)) kept.push_back(v);
  }
  f = std::move(kept);
  return true;
}

bool is_being_deleted(const nlohmann::json& object) {
  auto m = object.find("metadata");
  return m != object.end() && m->contains("deletionTimestamp") &&
         !(*m)["deletionTimestamp"].is_null();
}

}  // namespace kiln::kube
