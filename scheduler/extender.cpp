#include "scheduler/extender.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "scheduler/extender_args.hpp"
#include "scheduler/json_writer.hpp"
#include "scheduler/placement_policy.hpp"

namespace kiln::scheduler {
namespace {

constexpr const char* kUnknownNode = "kiln: node not in the extender's cache";

nlohmann::json empty_filter_result() {
  return {{"Nodes", nullptr},
          {"NodeNames", nullptr},
          {"FailedNodes", nlohmann::json::object()},
          {"FailedAndUnresolvableNodes", nlohmann::json::object()},
          {"Error", ""}};
}

// Times a call and counts it by result; the reply's status and an Error
// field tell an error apart.
class CallRecorder {
 public:
  CallRecorder(ExtenderMetrics* metrics, const char* verb)
      : metrics_(metrics), verb_(verb), start_(std::chrono::steady_clock::now()) {}
  void done(bool ok) {
    if (metrics_ == nullptr) return;
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start_;
    metrics_->duration.with({verb_}).observe(took.count());
    metrics_->requests.with({verb_, ok ? "ok" : "error"}).inc();
  }

 private:
  ExtenderMetrics* metrics_;
  const char* verb_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

Extender::Extender(const ClusterView& view, ExtenderMetrics* metrics, PolicyContext context)
    : view_(view), metrics_(metrics), context_(context) {}

PolicyContext Extender::context_now() const {
  PolicyContext c = context_;
  c.now = view_.now();
  return c;
}

ExtenderReply Extender::filter(std::string_view body) const {
  CallRecorder recorder(metrics_, "filter");
  ExtenderReply reply;
  try {
    reply = filter_impl(body);
    recorder.done(true);
  } catch (const std::exception& e) {
    spdlog::warn("filter: malformed request ({} bytes): {}", body.size(), e.what());
    auto result = empty_filter_result();
    result["Error"] = std::string("kiln-scheduler-extender: ") + e.what();
    reply = {200, result.dump()};
    recorder.done(false);
  }
  return reply;
}

ExtenderReply Extender::filter_impl(std::string_view body) const {
  ExtenderArgs args = parse_extender_args(body);
  PodRequest request;
  try {
    request = parse_pod_request(args.pod);
  } catch (const std::invalid_argument& e) {
    throw MalformedArgs("pod " + pod_display_name(args.pod) + ": " + e.what());
  }
  const PolicyContext context = context_now();
  // Hand-written reply (see json_writer.hpp): NodeNames (or Nodes), then the
  // two failure maps.
  std::string kept;
  std::string failed;
  std::string unresolvable;
  kept.reserve(args.node_names.size() * 24);
  std::vector<std::size_t> kept_nodes;  // indexes into args.nodes, when whole nodes came
  std::size_t index = 0;
  std::size_t busy = 0, unsuitable = 0, unknown = 0;
  auto add_failure = [](std::string& map, const std::string& name, std::string_view reason) {
    map += map.empty() ? '{' : ',';
    append_json_string(map, name);
    map += ':';
    append_json_string(map, reason);
  };
  view_.visit(args.node_names,
              [&](const std::string& name, const NodeInfo* node, const NodeUsage& usage) {
                const std::size_t i = index++;
                if (node == nullptr) {
                  ++unknown;
                  add_failure(failed, name, kUnknownNode);
                  return;
                }
                Verdict v = evaluate_placement(request, *node, usage, context);
                if (v.fits) {
                  if (args.nodes.is_array()) {
                    kept_nodes.push_back(i);
                  } else {
                    kept += kept.empty() ? '[' : ',';
                    append_json_string(kept, name);
                  }
                } else if (v.resolvable) {
                  ++busy;
                  add_failure(failed, name, v.reason);
                } else {
                  ++unsuitable;
                  add_failure(unresolvable, name, v.reason);
                }
              });
  std::string out;
  out.reserve(kept.size() + failed.size() + unresolvable.size() + 128);
  if (args.nodes.is_array()) {
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i : kept_nodes) items.push_back(std::move(args.nodes[i]));
    out += R"({"Nodes":{"items":)";
    out += items.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += R"(},"NodeNames":null)";
  } else {
    out += R"({"Nodes":null,"NodeNames":)";
    out += kept.empty() ? std::string("[]") : kept + ']';
  }
  out += R"(,"FailedNodes":)";
  out += failed.empty() ? std::string("{}") : failed + '}';
  out += R"(,"FailedAndUnresolvableNodes":)";
  out += unresolvable.empty() ? std::string("{}") : unresolvable + '}';
  out += R"(,"Error":""})";
  if (metrics_ != nullptr) {
    metrics_->nodes_evaluated.inc(static_cast<double>(args.node_names.size()));
    metrics_->filtered_busy.inc(static_cast<double>(busy));
    metrics_->filtered_unsuitable.inc(static_cast<double>(unsuitable));
    metrics_->filtered_unknown.inc(static_cast<double>(unknown));
  }
  return {200, std::move(out)};
}

ExtenderReply Extender::prioritize(std::string_view body) const {
  CallRecorder recorder(metrics_, "prioritize");
  try {
    auto reply = prioritize_impl(body);
    recorder.done(true);
    return reply;
  } catch (const std::exception& e) {
    spdlog::warn("prioritize: malformed request ({} bytes): {}", body.size(), e.what());
    recorder.done(false);
    nlohmann::json error = {{"Error", std::string("kiln-scheduler-extender: ") + e.what()}};
    return {400, error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }
}

ExtenderReply Extender::prioritize_impl(std::string_view body) const {
  ExtenderArgs args = parse_extender_args(body);
  PodRequest request;
  try {
    request = parse_pod_request(args.pod);
  } catch (const std::invalid_argument& e) {
    throw MalformedArgs("pod " + pod_display_name(args.pod) + ": " + e.what());
  }
  const PolicyContext context = context_now();
  std::string out;
  out.reserve(args.node_names.size() * 40 + 2);
  out += '[';
  view_.visit(args.node_names,
              [&](const std::string& name, const NodeInfo* node, const NodeUsage& usage) {
                int score = kNeutralScore;
                if (node != nullptr && request.managed()) {
                  Verdict v = evaluate_placement(request, *node, usage, context);
                  if (v.fits) score = v.score;
                }
                if (out.size() > 1) out += ',';
                out += R"({"Host":)";
                append_json_string(out, name);
                out += R"(,"Score":)";
                out += std::to_string(score);
                out += '}';
              });
  out += ']';
  return {200, std::move(out)};
}

}  // namespace kiln::scheduler
