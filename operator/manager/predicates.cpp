#include "operator/manager/predicates.hpp"

#include <string>

namespace kiln::manager {
namespace {

const nlohmann::json& metadata_field(const nlohmann::json& object, const char* field) {
  static const nlohmann::json kNull;
  auto m = object.find("metadata");
  if (m == object.end() || !m->is_object()) return kNull;
  auto f = m->find(field);
  return f == m->end() ? kNull : *f;
}

// Updates pass when metadata.<field> differs; an empty map equals a missing one.
Predicate metadata_field_changed(const char* field) {
  Predicate p;
  p.update = [field](const nlohmann::json& a, const nlohmann::json& b) {
    const auto& x = metadata_field(a, field);
    const auto& y = metadata_field(b, field);
    const bool x_empty = x.is_null() || x.empty();
    const bool y_empty = y.is_null() || y.empty();
    return (x_empty && y_empty) ? false : x != y;
  };
  return p;
}

}  // namespace

Predicate generation_changed() {
  Predicate p;
  p.update = [](const nlohmann::json& a, const nlohmann::json& b) {
    const auto& x = metadata_field(a, "generation");
    const auto& y = metadata_field(b, "generation");
    if (x.is_null() || y.is_null()) return true;
    return x != y;
  };
  return p;
}

Predicate labels_changed() {
  return metadata_field_changed("labels");
}

Predicate annotations_changed() {
  return metadata_field_changed("annotations");
}

Predicate any_of(std::vector<Predicate> predicates) {
  return {
      .create =
          [predicates](const nlohmann::json& o) {
            for (const auto& p : predicates)
              if (!p.create || p.create(o)) return true;
            return predicates.empty();
          },
      .update =
          [predicates](const nlohmann::json& a, const nlohmann::json& b) {
            for (const auto& p : predicates)
              if (!p.update || p.update(a, b)) return true;
            return predicates.empty();
          },
      .remove =
          [predicates](const nlohmann::json& o) {
            for (const auto& p : predicates)
              if (!p.remove || p.remove(o)) return true;
            return predicates.empty();
          },
  };
}

bool passes_create(const std::vector<Predicate>& predicates, const nlohmann::json& object) {
  for (const auto& p : predicates)
    if (p.create && !p.create(object)) return false;
  return true;
}

bool passes_update(const std::vector<Predicate>& predicates, const nlohmann::json& old_obj,
                   const nlohmann::json& new_obj) {
  for (const auto& p : predicates)
    if (p.update && !p.update(old_obj, new_obj)) return false;
  return true;
}

bool passes_remove(const std::vector<Predicate>& predicates, const nlohmann::json& object) {
  for (const auto& p : predicates)
    if (p.remove && !p.remove(object)) return false;
  return true;
}

}  // namespace kiln::manager
