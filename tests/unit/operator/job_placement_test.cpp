// Where the operator's Jobs run: the flags' syntax and the pod spec they give.
#include "reconcilers/placement/job_placement.hpp"

#include <gtest/gtest.h>

#include "operator/app/operator_options.hpp"

namespace {

using kiln::reconcilers::apply_job_placement;
using kiln::reconcilers::JobPlacement;
using kiln::reconcilers::parse_node_selector_entry;
using kiln::reconcilers::parse_toleration;
using nlohmann::json;

TEST(JobPlacement, TolerationSyntaxIsKubectlTaints) {
  EXPECT_EQ(parse_toleration("kiln.dev/real-node=true:NoSchedule"),
            json::parse(R"({"key":"kiln.dev/real-node","operator":"Equal","value":"true",
                            "effect":"NoSchedule"})"));
  EXPECT_EQ(parse_toleration("dedicated:NoExecute"),
            json::parse(R"({"key":"dedicated","operator":"Exists","effect":"NoExecute"})"));
  EXPECT_EQ(parse_toleration("gpu=a100"),
            json::parse(R"({"key":"gpu","operator":"Equal","value":"a100"})"));
}

TEST(JobPlacement, BadFlagsSayWhatIsWrong) {
  EXPECT_THROW(
      {
        try {
          parse_toleration("a=b:Sometimes");
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("Sometimes"), std::string::npos) << e.what();
          throw;
        }
      },
      std::invalid_argument);
  EXPECT_THROW(parse_toleration(":NoSchedule"), std::invalid_argument);
  EXPECT_THROW(parse_node_selector_entry("no-value"), std::invalid_argument);
  EXPECT_THROW(parse_node_selector_entry("=x"), std::invalid_argument);
  EXPECT_EQ(parse_node_selector_entry("kiln.dev/real-node=true"),
            std::make_pair(std::string("kiln.dev/real-node"), std::string("true")));
}

TEST(JobPlacement, AppliedToAPodSpec) {
  json spec = {{"containers", json::array()}, {"nodeSelector", {{"zone", "a"}}}};
  const json untouched = spec;
  apply_job_placement(spec, JobPlacement{});
  EXPECT_EQ(spec, untouched);
  JobPlacement placement;
  placement.node_selector = {{"kiln.dev/real-node", "true"}};
  placement.tolerations.push_back(parse_toleration("kiln.dev/real-node=true:NoSchedule"));
  apply_job_placement(spec, placement);
  EXPECT_EQ(spec["nodeSelector"], json::parse(R"({"zone":"a","kiln.dev/real-node":"true"})"));
  ASSERT_EQ(spec["tolerations"].size(), 1u);
  EXPECT_EQ(spec["tolerations"][0]["key"], "kiln.dev/real-node");
}

kiln::app::ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "kiln-operator");
  return kiln::app::parse_operator_options(static_cast<int>(args.size()), args.data());
}

TEST(JobPlacement, OperatorFlags) {
  auto r = parse({"--job-node-selector", "kiln.dev/real-node=true", "--job-toleration",
                  "kiln.dev/real-node=true:NoSchedule", "--job-toleration", "spot:NoSchedule"});
  ASSERT_TRUE(r.options) << r.output;
  EXPECT_EQ(r.options->job_placement.node_selector.at("kiln.dev/real-node"), "true");
  EXPECT_EQ(r.options->job_placement.tolerations.size(), 2u);
  r = parse({"--job-toleration", "x=y:Never"});
  EXPECT_FALSE(r.options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--job-toleration"), std::string::npos) << r.output;
  EXPECT_TRUE(parse({"--controllers", "model,environment"}).options);
  r = parse({"--serve-wheels-image", "registry.test/kiln/kiln-serve-wheels@sha256:1"});
  ASSERT_TRUE(r.options) << r.output;
  EXPECT_EQ(r.options->serve_wheels_image, "registry.test/kiln/kiln-serve-wheels@sha256:1");
}

}  // namespace
