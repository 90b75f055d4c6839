#include "scheduler/extender_args.hpp"

#include <optional>

namespace kiln::scheduler {
namespace {

using json = nlohmann::json;

const char* kind_name(json::value_t t) {
  switch (t) {
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

// Streams ExtenderArgs in one pass: NodeNames go straight into a vector of
// strings (no JSON tree of thousands of small nodes), Pod and Nodes are built
// as trees, anything else is skipped. A value of the wrong type ends the
// parse with a message saying which.
class ArgsReader {
 public:
  explicit ArgsReader(ExtenderArgs& out) : out_(out) {}

  // What went wrong, if the document was JSON but not ExtenderArgs.
  const std::string& shape_error() const { return shape_error_; }
  bool saw_pod() const { return saw_pod_; }
  bool saw_names() const { return saw_names_; }
  bool saw_nodes() const { return saw_nodes_; }

  bool null() {
    return scalar(json::value_t::null, [&] { return subtree_->null(); });
  }
  bool boolean(bool v) {
    return scalar(json::value_t::boolean, [&] { return subtree_->boolean(v); });
  }
  bool number_integer(json::number_integer_t v) {
    return scalar(json::value_t::number_integer, [&] { return subtree_->number_integer(v); });
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return scalar(json::value_t::number_unsigned, [&] { return subtree_->number_unsigned(v); });
  }
  bool number_float(json::number_float_t v, const std::string& s) {
    return scalar(json::value_t::number_float, [&] { return subtree_->number_float(v, s); });
  }
  bool binary(json::binary_t& v) {
    return scalar(json::value_t::binary, [&] { return subtree_->binary(v); });
  }
  bool string(json::string_t& v) {
    if (in_subtree_ > 0) return subtree_->string(v);
    if (collecting_) {
      out_.node_names.push_back(std::move(v));
      return true;
    }
    return scalar(json::value_t::string, [] { return true; });
  }
  bool start_object(std::size_t n) {
    if (in_subtree_ > 0) return ++in_subtree_, subtree_->start_object(n);
    if (depth_ == 0) return ++depth_, true;  // the ExtenderArgs object
    if (collecting_) return wrong("ExtenderArgs.NodeNames has a object where a node name belongs");
    if (depth_ == 1 && (key_ == "Pod" || key_ == "Nodes")) {
      begin_subtree();
      ++in_subtree_;
      return subtree_->start_object(n);
    }
    if (depth_ == 1 && key_ == "NodeNames") {
      return wrong("ExtenderArgs.NodeNames must be a list of strings, got object");
    }
    ++skip_;
    return ++depth_, true;
  }
  bool end_object() {
    if (in_subtree_ > 0) {
      bool ok = subtree_->end_object();
      if (--in_subtree_ == 0) end_subtree();
      return ok;
    }
    --depth_;
    if (skip_ > 0) --skip_;
    return true;
  }
  bool start_array(std::size_t n) {
    if (in_subtree_ > 0) return ++in_subtree_, subtree_->start_array(n);
    if (depth_ == 0) return top_level(json::value_t::array);
    if (collecting_) return wrong("ExtenderArgs.NodeNames has a array where a node name belongs");
    if (depth_ == 1 && key_ == "NodeNames" && skip_ == 0) {
      saw_names_ = true;
      collecting_ = true;
      out_.node_names.clear();
      return ++depth_, true;
    }
    if (depth_ == 1 && (key_ == "Pod" || key_ == "Nodes")) {
      if (key_ == "Pod") return wrong("ExtenderArgs.Pod must be an object, got array");
      return wrong("ExtenderArgs.Nodes must be a NodeList with an items list");
    }
    ++skip_;
    return ++depth_, true;
  }
  bool end_array() {
    if (in_subtree_ > 0) {
      bool ok = subtree_->end_array();
      if (--in_subtree_ == 0) end_subtree();
      return ok;
    }
    collecting_ = false;
    --depth_;
    if (skip_ > 0) --skip_;
    return true;
  }
  bool key(json::string_t& k) {
    if (in_subtree_ > 0) return subtree_->key(k);
    if (depth_ == 1) key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    invalid_ = true;
    return false;
  }
  bool invalid() const { return invalid_; }

 private:
  template <typename Forward>
  bool scalar(json::value_t type, Forward forward) {
    if (in_subtree_ > 0) return forward();
    if (depth_ == 0) return top_level(type);
    if (collecting_) {
      return wrong(std::string("ExtenderArgs.NodeNames has a ") + kind_name(type) +
                   " where a node name belongs");
    }
    if (depth_ != 1 || skip_ > 0) return true;
    if (key_ == "Pod") {
      if (type == json::value_t::null) return true;
      return wrong(std::string("ExtenderArgs.Pod must be an object, got ") + kind_name(type));
    }
    if (key_ == "NodeNames" && type != json::value_t::null) {
      return wrong(std::string("ExtenderArgs.NodeNames must be a list of strings, got ") +
                   kind_name(type));
    }
    if (key_ == "Nodes" && type != json::value_t::null) {
      return wrong("ExtenderArgs.Nodes must be a NodeList with an items list");
    }
    return true;
  }
  bool top_level(json::value_t type) {
    return wrong(std::string("ExtenderArgs must be a JSON object, got ") + kind_name(type));
  }
  bool wrong(std::string message) {
    shape_error_ = std::move(message);
    return false;
  }
  void begin_subtree() {
    subtree_doc_ = json();
    subtree_.emplace(subtree_doc_, false);
  }
  void end_subtree() {
    if (key_ == "Pod") {
      saw_pod_ = true;
      out_.pod = std::move(subtree_doc_);
    } else {
      saw_nodes_ = true;
      nodes_doc_ = std::move(subtree_doc_);
    }
  }

 public:
  json nodes_doc_;

 private:
  ExtenderArgs& out_;
  json subtree_doc_;
  std::optional<nlohmann::detail::json_sax_dom_parser<json>> subtree_;
  int in_subtree_ = 0;
  int depth_ = 0;
  int skip_ = 0;  // inside a value of an unknown key
  bool collecting_ = false;
  bool invalid_ = false;
  bool saw_pod_ = false;
  bool saw_names_ = false;
  bool saw_nodes_ = false;
  std::string key_;
  std::string shape_error_;
};

}  // namespace

ExtenderArgs parse_extender_args(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw MalformedArgs("empty request body; expected ExtenderArgs JSON");
  }
  ExtenderArgs args;
  ArgsReader reader(args);
  const bool ok = json::sax_parse(body.begin(), body.end(), &reader);
  if (!reader.shape_error().empty()) throw MalformedArgs(reader.shape_error());
  if (!ok || reader.invalid()) throw MalformedArgs("request body is not valid JSON");
  if (!reader.saw_pod()) throw MalformedArgs("ExtenderArgs.Pod is missing");
  if (reader.saw_names()) return args;
  if (!reader.saw_nodes()) throw MalformedArgs("ExtenderArgs has neither NodeNames nor Nodes");
  auto& nodes = reader.nodes_doc_;
  if (!nodes.is_object() || !nodes.contains("items") || !nodes["items"].is_array()) {
    throw MalformedArgs("ExtenderArgs.Nodes must be a NodeList with an items list");
  }
  args.nodes = std::move(nodes["items"]);
  args.node_names.reserve(args.nodes.size());
  for (const auto& node : args.nodes) {
    const json::json_pointer name("/metadata/name");
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
