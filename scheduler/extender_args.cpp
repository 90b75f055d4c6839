#include "scheduler/extender_args.hpp"

namespace kiln::scheduler {
namespace {

const char* type_name(const nlohmann::json& v) {
  return v.type_name();
}

}  // namespace

ExtenderArgs parse_extender_args(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw MalformedArgs("empty request body; expected ExtenderArgs JSON");
  }
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) throw MalformedArgs("request body is not valid JSON");
  if (!doc.is_object()) {
    throw MalformedArgs(std::string("ExtenderArgs must be a JSON object, got ") + type_name(doc));
  }
  ExtenderArgs args;
  auto pod = doc.find("Pod");
  if (pod == doc.end() || pod->is_null()) throw MalformedArgs("ExtenderArgs.Pod is missing");
  if (!pod->is_object()) {
    throw MalformedArgs(std::string("ExtenderArgs.Pod must be an object, got ") + type_name(*pod));
  }
  args.pod = std::move(*pod);

  auto names = doc.find("NodeNames");
  if (names != doc.end() && !names->is_null()) {
    if (!names->is_array()) {
      throw MalformedArgs(std::string("ExtenderArgs.NodeNames must be a list of strings, got ") +
                          type_name(*names));
    }
    args.node_names.reserve(names->size());
    for (auto& n : *names) {
      if (!n.is_string()) {
        throw MalformedArgs(std::string("ExtenderArgs.NodeNames has a ") + type_name(n) +
                            " where a node name belongs");
      }
      args.node_names.push_back(std::move(n.get_ref<std::string&>()));
    }
    return args;
  }
  auto nodes = doc.find("Nodes");
  if (nodes == doc.end() || nodes->is_null()) {
    throw MalformedArgs("ExtenderArgs has neither NodeNames nor Nodes");
  }
  if (!nodes->is_object() || !nodes->contains("items") || !(*nodes)["items"].is_array()) {
    throw MalformedArgs("ExtenderArgs.Nodes must be a NodeList with an items list");
  }
  args.nodes = std::move((*nodes)["items"]);
  args.node_names.reserve(args.nodes.size());
  for (const auto& node : args.nodes) {
    const nlohmann::json::json_pointer name("/metadata/name");
    if (!node.is_object() || !node.contains(name) || !node.at(name).is_string()) {
      throw MalformedArgs("ExtenderArgs.Nodes.items has a node without metadata.name");
    }
    args.node_names.push_back(node.at(name).get<std::string>());
  }
  return args;
}

std::string pod_display_name(const nlohmann::json& pod) {
  const nlohmann::json::json_pointer ns("/metadata/namespace");
  const nlohmann::json::json_pointer name("/metadata/name");
  if (!pod.is_object() || !pod.contains(name) || !pod.at(name).is_string()) return "<unnamed pod>";
  std::string out = pod.at(name).get<std::string>();
  if (pod.contains(ns) && pod.at(ns).is_string()) out = pod.at(ns).get<std::string>() + "/" + out;
  return out;
}

}  // namespace kiln::scheduler
