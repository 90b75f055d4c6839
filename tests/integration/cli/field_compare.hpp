#pragma once

// Field-by-field comparison of what `kiln render` printed with what is in the
// cluster, placeholders ("<kiln:...>") aside.

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace kiln::testing {

using nlohmann::json;

inline bool is_placeholder(const json& v) {
  return v.is_string() && v.get_ref<const std::string&>().find("<kiln:") != std::string::npos;
}

// Every field `rendered` sets is in `applied` with the same value (the API
// server adds defaults, which are not compared, and drops zero values of
// omitempty fields); arrays have the same length.
// Placeholders are skipped and recorded.
inline void compare(const json& rendered, const json& applied, const std::string& path,
                    std::vector<std::string>& differences, std::set<std::string>& placeholders) {
  if (is_placeholder(rendered)) {
    placeholders.insert(path);
    if (applied.is_null()) differences.push_back(path + ": placeholder for a field not applied");
    return;
  }
  if (rendered.is_object()) {
    if (!applied.is_object()) {
      differences.push_back(path + ": rendered an object, applied " + applied.dump());
      return;
    }
    for (const auto& [k, v] : rendered.items()) {
      compare(v, applied.contains(k) ? applied[k] : json(), path + "/" + k, differences,
              placeholders);
    }
    return;
  }
  if (rendered.is_array()) {
    if (!applied.is_array() || applied.size() != rendered.size()) {
      differences.push_back(path + ": rendered " + rendered.dump() + ", applied " + applied.dump());
      return;
    }
    for (std::size_t i = 0; i < rendered.size(); ++i) {
      compare(rendered[i], applied[i], path + "/" + std::to_string(i), differences, placeholders);
    }
    return;
  }
  // The API server leaves out zero values of omitempty fields (initialDelaySeconds: 0).
  const bool zero = rendered == json(0) || rendered == json(false) || rendered == json("");
  if (applied.is_null() && zero) return;
  if (rendered != applied) {
    differences.push_back(path + ": rendered " + rendered.dump() + ", applied " + applied.dump());
  }
}

}  // namespace kiln::testing
