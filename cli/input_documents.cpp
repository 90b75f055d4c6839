#include "cli/input_documents.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "crds/yaml_to_json.hpp"

namespace kiln::cli {
namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_manifest(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

std::vector<Document> parse_documents(const std::string& text, const std::string& origin) {
  std::vector<nlohmann::json> parsed;
  try {
    parsed = api::parse_yaml_documents(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(origin + ": " + e.what());
  }
  std::vector<Document> out;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const std::string where = parsed.size() > 1 ? origin + "#" + std::to_string(i + 1) : origin;
    auto& object = parsed[i];
    if (object.is_null()) continue;
    if (!object.is_object()) throw std::runtime_error(where + ": not a Kubernetes object");
    if (object.value("kind", "") == "List" && object.contains("items")) {
      std::size_t n = 0;
      for (auto& item : object["items"]) {
        out.push_back({where + " items[" + std::to_string(n++) + "]", std::move(item)});
      }
      continue;
    }
    out.push_back({where, std::move(object)});
  }
  return out;
}

std::vector<Document> read_documents(const std::vector<std::string>& paths) {
  std::vector<Document> out;
  for (const auto& path : paths) {
    std::vector<std::string> files;
    std::error_code ec;
    if (path != "-" && fs::is_directory(path, ec)) {
      for (const auto& entry : fs::directory_iterator(path)) {
        if (entry.is_regular_file() && is_manifest(entry.path())) {
          files.push_back(entry.path().string());
        }
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(path);
    }
    for (const auto& file : files) {
      auto docs = parse_documents(read_text(file), file == "-" ? "<stdin>" : file);
      std::move(docs.begin(), docs.end(), std::back_inserter(out));
    }
  }
  return out;
}

}  // namespace kiln::cli
