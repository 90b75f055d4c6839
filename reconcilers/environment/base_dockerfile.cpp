#include "reconcilers/environment/base_dockerfile.hpp"

#include <cctype>
#include <sstream>
#include <vector>

namespace kiln::reconcilers::environment {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

}  // namespace

BaseStage name_last_stage(const std::string& base_dockerfile) {
  std::vector<std::string> text_lines;
  std::istringstream in(base_dockerfile);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    text_lines.push_back(line);
  }
  int last_from = -1;
  for (std::size_t i = 0; i < text_lines.size(); ++i) {
    auto w = words(text_lines[i]);
    if (!w.empty() && lower(w[0]) == "from") last_from = static_cast<int>(i);
  }
  BaseStage stage;
  if (last_from < 0) {
    stage.error = "baseDockerfile has no FROM instruction";
    return stage;
  }
  auto w = words(text_lines[last_from]);
  // FROM [--platform=...] image [AS name]
  if (w.size() >= 2 && lower(w[w.size() - 2]) == "as") {
    stage.stage_name = w.back();
  } else {
    stage.stage_name = kBaseStageName;
    std::string& line = text_lines[last_from];
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    if (!line.empty() && line.back() == '\\') {
      stage.error =
          "baseDockerfile: the last FROM instruction continues on the next line; write it on one "
          "line";
      return stage;
    }
    line += " AS " + stage.stage_name;
  }
  for (const auto& line : text_lines) stage.dockerfile += line + "\n";
  return stage;
}

}  // namespace kiln::reconcilers::environment
