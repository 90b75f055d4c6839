#pragma once

// How `kiln` prints Kubernetes objects: YAML documents (`---` between them,
// keys in sorted order, so the same objects print the same bytes) or JSON
// (one object, or a v1 List when there are several), as kubectl does.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::cli {

enum class OutputFormat { yaml, json };

std::optional<OutputFormat> parse_output_format(std::string_view text);

// One object as a YAML document (no leading `---`), ending in a newline.
std::string to_yaml(const nlohmann::json& object);

// Every object, in order, in the given format.
std::string format_objects(const std::vector<nlohmann::json>& objects, OutputFormat format);

}  // namespace kiln::cli
