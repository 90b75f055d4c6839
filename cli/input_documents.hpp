#pragma once

// The Kiln resources given to `kiln render` (-f FILE|DIR|-): every YAML or
// JSON document, with where it came from so errors can name the file.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kiln::cli {

struct Document {
  std::string origin;  // "path" or "path#2" (the document's index in a multi-document file)
  nlohmann::json object;
};

// Files as given; directories: their *.yaml, *.yml and *.json files in name
// order (not recursive); "-": standard input. Throws std::runtime_error
// naming the file on a read or syntax error. A v1 List is flattened.
std::vector<Document> read_documents(const std::vector<std::string>& paths);

// The documents of one text (YAML or JSON), `origin` used in errors.
std::vector<Document> parse_documents(const std::string& text, const std::string& origin);

}  // namespace kiln::cli
