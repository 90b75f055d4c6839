// kiln's YAML output reads back as the same JSON (strings that look like
// numbers, booleans or null stay strings; multi-line text keeps every byte)
// and is byte-stable.

#include "cli/output_format.hpp"

#include <gtest/gtest.h>

#include "crds/yaml_to_json.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;

TEST(OutputFormat, YamlRoundTripsTrickyValues) {
  const json object = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", {{"name", "x"}, {"annotations", {{"a/b", "true"}, {"n", "007"}}}}},
      {"data",
       {{"yes", "yes"},
        {"null", "null"},
        {"empty", ""},
        {"number", "1.5"},
        {"colon", "a: b"},
        {"hash", "# not a comment"},
        {"dockerfile", "FROM x\nRUN a \\\n && b\n"},
        {"no-final-newline", "line1\nline2"},
        {"two-newlines", "a\n\n"},
        {"leading-space", "  indented\nnext\n"},
        {"tab", "a\tb\n"},
        {"unicode", "モデル"},
        {"placeholder", "<kiln:digest of x>"},
        {"dash", "- item"}}},
      {"list", json::array({1, 2.5, true, nullptr, json::object(), json::array()})},
      {"emptyList", json::array()},
      {"emptyObject", json::object()}};
  const std::string text = to_yaml(object);
  auto docs = api::parse_yaml_documents(text);
  ASSERT_EQ(docs.size(), 1u) << text;
  EXPECT_EQ(docs[0], object) << text;
  EXPECT_EQ(to_yaml(object), text);
}

TEST(OutputFormat, SeveralObjectsAreDocumentsOrAList) {
  std::vector<json> objects = {{{"kind", "A"}}, {{"kind", "B"}}};
  const std::string yaml = format_objects(objects, OutputFormat::yaml);
  EXPECT_EQ(yaml, "kind: A\n---\nkind: B\n");
  auto list = json::parse(format_objects(objects, OutputFormat::json));
  EXPECT_EQ(list["kind"], "List");
  EXPECT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(json::parse(format_objects({objects[0]}, OutputFormat::json)), objects[0]);
  EXPECT_FALSE(parse_output_format("xml"));
}

}  // namespace
}  // namespace kiln::cli
