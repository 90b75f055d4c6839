#include "scheduler/extender_args.hpp"

#include <gtest/gtest.h>

namespace kiln::scheduler {
namespace {

TEST(ExtenderArgs, NodeNamesFromACacheCapableScheduler) {
  auto args = parse_extender_args(
      R"({"Pod":{"metadata":{"name":"p","namespace":"ns"}},"Nodes":null,"NodeNames":["a","b"]})");
  EXPECT_EQ(args.node_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(args.nodes.is_null());
  EXPECT_EQ(pod_display_name(args.pod), "ns/p");
}

TEST(ExtenderArgs, WholeNodesOtherwise) {
  auto args = parse_extender_args(
      R"({"Pod":{},"Nodes":{"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}})");
  EXPECT_EQ(args.node_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(args.nodes.size(), 2u);
  EXPECT_EQ(pod_display_name(args.pod), "<unnamed pod>");
}

TEST(ExtenderArgs, MalformedInputIsRefusedWithAReason) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {"", "empty request body"},
      {"  \n", "empty request body"},
      {"{", "not valid JSON"},
      {"[]", "must be a JSON object, got array"},
      {"42", "must be a JSON object, got number"},
      {R"({"NodeNames":["a"]})", "Pod is missing"},
      {R"({"Pod":null,"NodeNames":["a"]})", "Pod is missing"},
      {R"({"Pod":"p","NodeNames":["a"]})", "Pod must be an object, got string"},
      {R"({"Pod":{}})", "neither NodeNames nor Nodes"},
      {R"({"Pod":{},"NodeNames":"a"})", "NodeNames must be a list of strings, got string"},
      {R"({"Pod":{},"NodeNames":["a",7]})", "NodeNames has a number"},
      {R"({"Pod":{},"Nodes":{"items":"x"}})", "NodeList with an items list"},
      {R"({"Pod":{},"Nodes":[]})", "NodeList with an items list"},
      {R"({"Pod":{},"Nodes":{"items":[{"metadata":{}}]}})", "without metadata.name"},
      {R"({"Pod":{},"Nodes":{"items":[3]}})", "without metadata.name"},
  };
  for (const auto& c : cases) {
    try {
      parse_extender_args(c.body);
      ADD_FAILURE() << "accepted: " << c.body;
    } catch (const MalformedArgs& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
          << c.body << " -> " << e.what();
    }
  }
}

TEST(ExtenderArgs, DisplayNameToleratesOddMetadata) {
  EXPECT_EQ(pod_display_name(nlohmann::json::parse(R"({"metadata":"x"})")), "<unnamed pod>");
  EXPECT_EQ(pod_display_name(nlohmann::json::parse(R"({"metadata":{"name":5}})")), "<unnamed pod>");
  EXPECT_EQ(pod_display_name(nlohmann::json::parse(R"({"metadata":{"name":"p"}})")), "p");
}

}  // namespace
}  // namespace kiln::scheduler

namespace kiln::scheduler {
namespace {

TEST(ExtenderArgs, UnknownFieldsAreSkippedWhateverTheirShape) {
  auto args = parse_extender_args(
      R"({"Extra":{"NodeNames":["not-me"],"Pod":5},"List":[["x"],{"y":[1]}],"Pod":{"a":[1,{"b":null}]},)"
      R"("NodeNames":["a","b"],"After":true})");
  EXPECT_EQ(args.node_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(args.pod["a"][1]["b"], nullptr);
}

TEST(ExtenderArgs, RepeatedKeysKeepTheLast) {
  auto args = parse_extender_args(
      R"({"Pod":{"n":1},"NodeNames":["a"],"Pod":{"n":2},"NodeNames":["b","c"]})");
  EXPECT_EQ(args.node_names, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(args.pod["n"], 2);
}

TEST(ExtenderArgs, NullNodeNamesFallBackToNodes) {
  auto args = parse_extender_args(
      R"({"Pod":{},"NodeNames":null,"Nodes":{"items":[{"metadata":{"name":"a"}}]}})");
  EXPECT_EQ(args.node_names, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(args.nodes.is_array());
  EXPECT_THROW(parse_extender_args(R"({"Pod":{},"NodeNames":["a"],"trailing")"), MalformedArgs);
  EXPECT_THROW(parse_extender_args(R"({"Pod":{}} extra)"), MalformedArgs);
}

}  // namespace
}  // namespace kiln::scheduler
