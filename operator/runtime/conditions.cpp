#include "operator/runtime/conditions.hpp"

#include <stdexcept>

#include "operator/kube/api_time.hpp"

namespace kiln::runtime {
namespace {

// metav1.Condition's reason pattern: ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$, at most 1024.
bool valid_reason(std::string_view reason) {
  if (reason.empty() || reason.size() > 1024) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto word = [&](char c) { return alpha(c) || (c >= '0' && c <= '9') || c == '_'; };
  if (!alpha(reason.front())) return false;
  for (char c : reason.substr(1)) {
    if (!word(c) && c != ',' && c != ':') return false;
  }
  return reason.size() == 1 || word(reason.back());
}

bool is_type(const nlohmann::json& c, std::string_view type) {
  auto it = c.find("type");
  return it != c.end() && it->is_string() && it->get_ref<const std::string&>() == type;
}

void set_field(nlohmann::json& object, const char* key, const nlohmann::json& value,
               bool& changed) {
  auto it = object.find(key);
  if (it != object.end() && *it == value) return;
  object[key] = value;
  changed = true;
}

}  // namespace

bool set_condition(nlohmann::json& status, const Condition& condition,
                   std::chrono::system_clock::time_point now) {
  if (condition.type.empty()) throw std::invalid_argument("condition type must not be empty");
  if (condition.status != kConditionTrue && condition.status != kConditionFalse &&
      condition.status != kConditionUnknown) {
    throw std::invalid_argument("condition status must be True, False or Unknown, got \"" +
                                condition.status + "\"");
  }
  if (!valid_reason(condition.reason)) {
    throw std::invalid_argument("invalid condition reason \"" + condition.reason + "\"");
  }

  if (!status.is_object()) status = nlohmann::json::object();
  auto& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = nlohmann::json::array();

  nlohmann::json* existing = nullptr;
  for (auto& c : conditions) {
    if (is_type(c, condition.type)) {
      existing = &c;
      break;
    }
  }
  if (existing == nullptr) {
    nlohmann::json c = {{"type", condition.type},
                        {"status", condition.status},
                        {"reason", condition.reason},
                        {"message", condition.message},
                        {"lastTransitionTime", kube::format_api_time(now)}};
    if (condition.observed_generation) c["observedGeneration"] = *condition.observed_generation;
    conditions.push_back(std::move(c));
    return true;
  }

  bool changed = false;
  auto& c = *existing;
  const auto old_status = c.find("status");
  if (old_status == c.end() || *old_status != condition.status) {
    c["status"] = condition.status;
    c["lastTransitionTime"] = kube::format_api_time(now);
    changed = true;
  } else if (!c.contains("lastTransitionTime")) {
    c["lastTransitionTime"] = kube::format_api_time(now);
    changed = true;
  }
  set_field(c, "reason", condition.reason, changed);
  set_field(c, "message", condition.message, changed);
  if (condition.observed_generation) {
    set_field(c, "observedGeneration", *condition.observed_generation, changed);
  } else if (c.erase("observedGeneration") > 0) {
    changed = true;
  }
  return changed;
}

const nlohmann::json* find_condition(const nlohmann::json& status, std::string_view type) {
  if (!status.is_object()) return nullptr;
  auto it = status.find("conditions");
  if (it == status.end() || !it->is_array()) return nullptr;
  for (const auto& c : *it) {
    if (is_type(c, type)) return &c;
  }
  return nullptr;
}

bool is_condition_true(const nlohmann::json& status, std::string_view type) {
  const auto* c = find_condition(status, type);
  if (c == nullptr) return false;
  auto it = c->find("status");
  return it != c->end() && it->is_string() && it->get_ref<const std::string&>() == kConditionTrue;
}

bool remove_condition(nlohmann::json& status, std::string_view type) {
  if (!status.is_object()) return false;
  auto it = status.find("conditions");
  if (it == status.end() || !it->is_array()) return false;
  auto& conditions = *it;
  for (auto c = conditions.begin(); c != conditions.end(); ++c) {
    if (is_type(*c, type)) {
      conditions.erase(c);
      return true;
    }
  }
  return false;
}

}  // namespace kiln::runtime
