#include "crds/yaml_to_json.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "crds/text_checks.hpp"

namespace kiln::api {

using nlohmann::json;

namespace {

std::string_view without_sign(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  return s;
}

// [-+]?[0-9]+
bool is_integer(std::string_view s) {
  return is_digits(without_sign(s));
}

// [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(std::string_view s) {
  s = without_sign(s);
  const auto e = s.find_first_of("eE");
  if (e != std::string_view::npos) {
    if (!is_integer(s.substr(e + 1))) return false;
    s = s.substr(0, e);
  }
  const auto dot = s.find('.');
  if (dot == std::string_view::npos) return is_digits(s);
  const auto whole = s.substr(0, dot), fraction = s.substr(dot + 1);
  if (whole.empty()) return is_digits(fraction);
  return is_digits(whole) && (fraction.empty() || is_digits(fraction));
}

json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (is_integer(s)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  if (is_float(s)) return std::stod(s);
  return s;
}

}  // namespace

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      return node.Tag() == "!" ? json(node.Scalar()) : plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return out;
    }
  }
  return nullptr;
}

std::vector<json> parse_yaml_documents(const std::string& text) {
  std::vector<json> out;
  try {
    for (const auto& doc : YAML::LoadAll(text)) {
      if (doc.IsNull()) continue;
      out.push_back(yaml_to_json(doc));
    }
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(std::string("invalid YAML: ") + e.what());
  }
  return out;
}

std::vector<json> load_yaml_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_yaml_documents(buffer.str());
}

}  // namespace kiln::api
