#pragma once

// YAML manifests as JSON objects, so CRs written as YAML (examples, files
// given to tools) go through the same from_json as objects from the API.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace kiln::api {

// Plain scalars become numbers, booleans or null where YAML 1.2's core schema
// says so; quoted scalars stay strings.
nlohmann::json yaml_to_json(const YAML::Node& node);

// Every document of a YAML text (empty documents skipped). Throws
// std::runtime_error with the line on a syntax error.
std::vector<nlohmann::json> parse_yaml_documents(const std::string& text);
std::vector<nlohmann::json> load_yaml_file(const std::string& path);

}  // namespace kiln::api
