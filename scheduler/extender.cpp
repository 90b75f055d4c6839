#include "scheduler/extender.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "scheduler/extender_args.hpp"
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
  auto result = empty_filter_result();
  auto& failed = result["FailedNodes"];
  auto& unresolvable = result["FailedAndUnresolvableNodes"];
  std::vector<bool> passed(args.node_names.size(), false);
  std::size_t index = 0;
  std::size_t busy = 0, unsuitable = 0, unknown = 0;
  view_.visit(args.node_names,
              [&](const std::string& name, const NodeInfo* node, const NodeUsage& usage) {
                const std::size_t i = index++;
                if (node == nullptr) {
                  ++unknown;
                  failed[name] = kUnknownNode;
                  return;
                }
                Verdict v = evaluate_placement(request, *node, usage, context);
                if (v.fits) {
                  passed[i] = true;
                } else if (v.resolvable) {
                  ++busy;
                  failed[name] = std::move(v.reason);
                } else {
                  ++unsuitable;
                  unresolvable[name] = std::move(v.reason);
                }
              });
  nlohmann::json kept = nlohmann::json::array();
  for (std::size_t i = 0; i < passed.size(); ++i) {
    if (!passed[i]) continue;
    kept.push_back(args.nodes.is_array() ? std::move(args.nodes[i])
                                         : nlohmann::json(std::move(args.node_names[i])));
  }
  if (args.nodes.is_array()) {
    result["Nodes"] = {{"items", std::move(kept)}};
  } else {
    result["NodeNames"] = std::move(kept);
  }
  if (metrics_ != nullptr) {
    metrics_->nodes_evaluated.inc(static_cast<double>(args.node_names.size()));
    metrics_->filtered_busy.inc(static_cast<double>(busy));
    metrics_->filtered_unsuitable.inc(static_cast<double>(unsuitable));
    metrics_->filtered_unknown.inc(static_cast<double>(unknown));
  }
  if (request.managed() && busy + unsuitable + unknown > 0) {
    spdlog::debug("filter {}: {} of {} nodes pass", pod_display_name(args.pod),
                  args.node_names.size() - busy - unsuitable - unknown, args.node_names.size());
  }
  return {200, result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
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
  nlohmann::json list = nlohmann::json::array();
  view_.visit(args.node_names,
              [&](const std::string& name, const NodeInfo* node, const NodeUsage& usage) {
                int score = kNeutralScore;
                if (node != nullptr && request.managed()) {
                  Verdict v = evaluate_placement(request, *node, usage, context);
                  if (v.fits) score = v.score;
                }
                list.push_back({{"Host", name}, {"Score", score}});
              });
  return {200, list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace kiln::scheduler
