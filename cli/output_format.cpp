#include "cli/output_format.hpp"

#include <yaml-cpp/yaml.h>

#include "crds/yaml_to_json.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;

// Whether a plain scalar would read back as something other than this string
// (YAML 1.2 core schema, and the 1.1 words some readers still honour).
bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  YAML::Node node;
  try {
    node = YAML::Load(s);
  } catch (const YAML::Exception&) {
    return true;
  }
  if (!node.IsScalar() || node.Scalar() != s || node.Tag() != "?") return true;
  return !kiln::api::yaml_to_json(node).is_string() ||
         s.find_first_of(":#{}[],&*!|>'\"%@`") != std::string::npos || s.front() == ' ' ||
         s.back() == ' ' || s.front() == '-' || s.front() == '?' || s == "y" || s == "n" ||
         s == "yes" || s == "no" || s == "on" || s == "off" || s == "Yes" || s == "No" ||
         s == "On" || s == "Off" || s == "YES" || s == "NO" || s == "ON" || s == "OFF" ||
         s == "Y" || s == "N" || s == "~";
}

// A block literal ("|") reads back exactly when the text ends in one line
// break, its first line does not start with a blank (the indentation would be
// misread) and it holds only printable characters, tabs and line breaks.
bool literal_ok(const std::string& s) {
  if (s.size() < 2 || s.back() != '\n' || s[s.size() - 2] == '\n') return false;
  if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n') return false;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

void emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key;
        if (needs_quotes(key)) out << YAML::DoubleQuoted;
        out << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (literal_ok(s)) {
        out << YAML::Literal << s;
      } else if (needs_quotes(s) || s.find('\n') != std::string::npos) {
        out << YAML::DoubleQuoted << s;
      } else {
        out << s;
      }
      break;
    }
    case json::value_t::null:
      out << YAML::Null;
      break;
    case json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      break;
    default:  // numbers, as JSON writes them
      out << value.dump();
  }
}

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view text) {
  if (text == "yaml") return OutputFormat::yaml;
  if (text == "json") return OutputFormat::json;
  return std::nullopt;
}

std::string to_yaml(const json& object) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  if (object.is_object() && object.empty()) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  } else {
    emit(out, object);
  }
  return std::string(out.c_str()) + "\n";
}

std::string format_objects(const std::vector<json>& objects, OutputFormat format) {
  if (format == OutputFormat::json) {
    if (objects.size() == 1) return objects.front().dump(2) + "\n";
    json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}};
    return list.dump(2) + "\n";
  }
  std::string text;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (i > 0) text += "---\n";
    text += to_yaml(objects[i]);
  }
  return text;
}

}  // namespace kiln::cli
