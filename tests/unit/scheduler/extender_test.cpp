#include "scheduler/extender.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

using testing::make_pod;

class ExtenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    view.upsert_node(testing::a100_node("a100-0"));
    view.upsert_node(testing::a100_node("a100-1"));
    view.upsert_node(testing::t4_node("t4-0"));
    view.upsert_node(testing::mig_node("mig-0"));
    view.upsert_node(testing::fpga_node("fpga-0", "abc"));
    view.upsert_node(testing::fpga_node("fpga-1"));
    view.upsert_node(testing::make_node("plain-0", {}));
    view.upsert_pod(make_pod("running", {{"nvidia.com/gpu", "2"}}, {}, "a100-1", "Running"));
  }

  static std::string args(const nlohmann::json& pod, const std::vector<std::string>& names) {
    return nlohmann::json{{"Pod", pod}, {"Nodes", nullptr}, {"NodeNames", names}}.dump();
  }

  nlohmann::json filter(const nlohmann::json& pod, const std::vector<std::string>& names) {
    auto reply = extender.filter(args(pod, names));
    EXPECT_EQ(reply.status, 200);
    return nlohmann::json::parse(reply.body);
  }

  std::map<std::string, int> prioritize(const nlohmann::json& pod,
                                        const std::vector<std::string>& names) {
    auto reply = extender.prioritize(args(pod, names));
    EXPECT_EQ(reply.status, 200);
    std::map<std::string, int> scores;
    for (const auto& e : nlohmann::json::parse(reply.body)) scores[e["Host"]] = e["Score"];
    return scores;
  }

  double counter(const std::string& name, const std::vector<std::string>& labels = {}) {
    for (const auto& family : registry.snapshot()) {
      if (family.name != name) continue;
      for (const auto& s : family.series) {
        if (s.label_values == labels) {
          return family.type == runtime::MetricType::histogram
                     ? static_cast<double>(s.histogram.count)
                     : s.value;
        }
      }
    }
    return -1;
  }

  const std::vector<std::string> all = {"a100-0", "a100-1", "t4-0",   "mig-0",
                                        "fpga-0", "fpga-1", "plain-0"};
  ClusterView view;
  runtime::MetricsRegistry registry;
  ExtenderMetrics metrics{registry};
  Extender extender{view, &metrics};
};

TEST_F(ExtenderTest, FilterKeepsNodesThatFitAndSaysWhyOthersDoNot) {
  auto result =
      filter(make_pod("p", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "T4"}}), all);
  EXPECT_EQ(result["NodeNames"], nlohmann::json({"t4-0"}));
  EXPECT_EQ(result["Error"], "");
  EXPECT_EQ(result["FailedAndUnresolvableNodes"]["a100-0"],
            "kiln: GPU NVIDIA-A100-SXM4-40GB is not T4");
  EXPECT_EQ(result["FailedAndUnresolvableNodes"]["plain-0"], "kiln: node has no nvidia.com/gpu");
  EXPECT_EQ(counter("kiln_scheduler_extender_requests_total", {"filter", "ok"}), 1);
  EXPECT_EQ(counter("kiln_scheduler_extender_nodes_evaluated_total"), 7);
  EXPECT_EQ(counter("kiln_scheduler_extender_nodes_filtered_total", {"unsuitable"}), 6);
}

TEST_F(ExtenderTest, BusyNodesAreResolvableFailures) {
  auto result = filter(make_pod("p", {{"nvidia.com/gpu", "3"}}), {"a100-0", "a100-1"});
  EXPECT_EQ(result["NodeNames"], nlohmann::json({"a100-0"}));
  EXPECT_EQ(result["FailedNodes"]["a100-1"], "kiln: 3 GPU(s) wanted, 2 of 4 free");
}

TEST_F(ExtenderTest, UnknownNodesAreReportedInFailedNodes) {
  auto result = filter(make_pod("p", {{"cpu", "1"}}), {"a100-0", "ghost"});
  EXPECT_EQ(result["NodeNames"], nlohmann::json({"a100-0"}));
  EXPECT_EQ(result["FailedNodes"]["ghost"], "kiln: node not in the extender's cache");
  EXPECT_EQ(counter("kiln_scheduler_extender_nodes_filtered_total", {"unknown"}), 1);
}

TEST_F(ExtenderTest, PrioritizePacksGpus) {
  auto scores = prioritize(make_pod("p", {{"nvidia.com/gpu", "1"}}), {"a100-0", "a100-1", "t4-0"});
  EXPECT_GT(scores["a100-1"], scores["a100-0"]);  // already half used
  EXPECT_EQ(scores["a100-1"], 9);
  EXPECT_EQ(scores["t4-0"], 9);
  EXPECT_EQ(counter("kiln_scheduler_extender_request_duration_seconds", {"prioritize"}), 1);
}

TEST_F(ExtenderTest, PrioritizePrefersTheBitstream) {
  auto pod = make_pod("p", {{testing::kU250, "1"}}, {{"kiln.dev/fpga-bitstream", "abc"}});
  auto scores = prioritize(pod, {"fpga-0", "fpga-1", "a100-0"});
  EXPECT_EQ(scores["fpga-0"], 10);
  EXPECT_EQ(scores["fpga-1"], 5);
  EXPECT_EQ(scores["a100-0"], 0);
}

TEST_F(ExtenderTest, UnmanagedPodsGetNeutralScores) {
  auto scores = prioritize(make_pod("p", {{"cpu", "1"}}), all);
  ASSERT_EQ(scores.size(), all.size());
  for (const auto& [node, score] : scores) EXPECT_EQ(score, kNeutralScore) << node;
  auto result = filter(make_pod("p", {{"cpu", "1"}}), all);
  EXPECT_EQ(result["NodeNames"].size(), all.size());
}

TEST_F(ExtenderTest, WholeNodesInWholeNodesOut) {
  nlohmann::json body = {
      {"Pod", make_pod("p", {{"nvidia.com/mig-1g.5gb", "1"}})},
      {"Nodes", {{"items", {testing::mig_node("mig-0"), testing::a100_node("a100-0")}}}}};
  auto reply = extender.filter(body.dump());
  auto result = nlohmann::json::parse(reply.body);
  ASSERT_EQ(result["Nodes"]["items"].size(), 1u);
  EXPECT_EQ(result["Nodes"]["items"][0]["metadata"]["name"], "mig-0");
  EXPECT_TRUE(result["NodeNames"].is_null());
}

// The Must-show table: malformed ExtenderArgs are answered (no throw, no
// crash): filter with Error set and no nodes, prioritize with 400 and Error.
TEST_F(ExtenderTest, MalformedRequestsAreAnsweredWithAnError) {
  nlohmann::json bad_annotation =
      make_pod("p", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-memory-min", "lots"}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty request body"},
      {"not json", "not valid JSON"},
      {R"({"Pod":{"spec":1}, "NodeNames": {"a": 1}})", "NodeNames must be a list"},
      {R"({"Pod":[],"NodeNames":[]})", "Pod must be an object"},
      {R"({"NodeNames":["a100-0"]})", "Pod is missing"},
      {R"({"Pod":{},"NodeNames":[1,2,3]})", "NodeNames has a number"},
      {nlohmann::json{{"Pod", bad_annotation}, {"NodeNames", {"a100-0"}}}.dump(),
       "pod ns/p: annotation kiln.dev/gpu-memory-min=\"lots\""},
      {std::string("{\"Pod\":{},\"NodeNames\":[\"") + std::string(1, '\xff') + "\"]}",
       "not valid JSON"},
  };
  int n = 0;
  for (const auto& [body, message] : cases) {
    auto f = extender.filter(body);
    EXPECT_EQ(f.status, 200) << body;
    auto result = nlohmann::json::parse(f.body);
    EXPECT_NE(result["Error"].get<std::string>().find(message), std::string::npos)
        << body << " -> " << result["Error"];
    EXPECT_TRUE(result["NodeNames"].is_null());
    auto p = extender.prioritize(body);
    EXPECT_EQ(p.status, 400) << body;
    EXPECT_NE(nlohmann::json::parse(p.body)["Error"].get<std::string>().find(message),
              std::string::npos);
    ++n;
  }
  EXPECT_EQ(counter("kiln_scheduler_extender_requests_total", {"filter", "error"}), n);
  EXPECT_EQ(counter("kiln_scheduler_extender_requests_total", {"prioritize", "error"}), n);
}

TEST_F(ExtenderTest, HugeListsOfUnknownNodes) {
  std::vector<std::string> names;
  for (int i = 0; i < 50000; ++i) names.push_back("ghost-" + std::to_string(i));
  names.push_back("t4-0");
  auto result = filter(make_pod("p", {{"nvidia.com/gpu", "1"}}), names);
  EXPECT_EQ(result["NodeNames"], nlohmann::json({"t4-0"}));
  EXPECT_EQ(result["FailedNodes"].size(), 50000u);
  EXPECT_EQ(prioritize(make_pod("p", {{"nvidia.com/gpu", "1"}}), names).size(), names.size());
}

}  // namespace
}  // namespace kiln::scheduler

namespace kiln::scheduler {
namespace {

TEST_F(ExtenderTest, OddNodeNamesStillMakeValidJson) {
  const std::vector<std::string> names = {"we\"ird", "back\\slash", "ctl\x01", "t4-0"};
  auto result = filter(testing::make_pod("p", {{"nvidia.com/gpu", "1"}}), names);
  EXPECT_EQ(result["FailedNodes"].size(), 3u);
  EXPECT_TRUE(result["FailedNodes"].contains("we\"ird"));
  EXPECT_TRUE(result["FailedNodes"].contains("ctl\x01"));
  auto scores = prioritize(testing::make_pod("p", {{"nvidia.com/gpu", "1"}}), names);
  EXPECT_EQ(scores.size(), 4u);
  EXPECT_EQ(scores["back\\slash"], 0);
}

}  // namespace
}  // namespace kiln::scheduler
