#pragma once

// What `kiln render` cannot know without the cluster (an image digest, a
// generated key, an object's uid) is printed as a placeholder, never invented:
// "<kiln:WHAT>", recognisable by its prefix.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kiln::cli {

inline constexpr std::string_view kPlaceholderPrefix = "<kiln:";

inline std::string placeholder(const std::string& what) {
  return std::string(kPlaceholderPrefix) + what + ">";
}

// Whether a string holds a placeholder anywhere.
inline bool has_placeholder(std::string_view text) {
  return text.find(kPlaceholderPrefix) != std::string_view::npos;
}

// Every JSON pointer under `value` whose string holds a placeholder.
void collect_placeholders(const nlohmann::json& value, const std::string& pointer,
                          std::vector<std::string>& out);

}  // namespace kiln::cli
