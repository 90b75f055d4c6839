// kiln-operator's flags and defaults.
#include "operator/app/operator_options.hpp"

#include <gtest/gtest.h>

namespace {

using namespace kiln::app;

ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "kiln-operator");
  return parse_operator_options(static_cast<int>(args.size()), args.data());
}

TEST(OperatorOptions, Defaults) {
  auto r = parse({});
  ASSERT_TRUE(r.options) << r.output;
  const auto& o = *r.options;
  EXPECT_TRUE(o.leader_elect);
  EXPECT_EQ(o.leader_election_id, "kiln-operator");
  EXPECT_EQ(o.leader_election_namespace, "kiln-system");
  EXPECT_EQ(o.system_namespace, "kiln-system");
  EXPECT_TRUE(o.namespaces.empty());
  EXPECT_EQ(o.metrics_address, (BindAddress{"0.0.0.0", 8080}));
  EXPECT_EQ(o.probe_address, (BindAddress{"0.0.0.0", 8081}));
  EXPECT_EQ(o.log_level, "info");
  EXPECT_FALSE(o.log_json);
  EXPECT_EQ(o.workers, 2);
  EXPECT_FALSE(o.model_workers);
}

TEST(OperatorOptions, EveryFlag) {
  auto r = parse({"--kubeconfig",
                  "/tmp/kc",
                  "--context",
                  "dev",
                  "-n",
                  "a",
                  "--namespace",
                  "b",
                  "--system-namespace",
                  "kiln",
                  "--no-leader-elect",
                  "--leader-election-id",
                  "x",
                  "--identity",
                  "me",
                  "--metrics-bind-address",
                  "127.0.0.1:9090",
                  "--health-probe-bind-address",
                  ":9091",
                  "--log-level",
                  "debug",
                  "--log-json",
                  "--workers",
                  "4",
                  "--model-workers",
                  "8",
                  "--registry",
                  "127.0.0.1:5000",
                  "--registry-secret",
                  "kiln/push",
                  "--registry-plain-http",
                  "--fetch-image",
                  "127.0.0.1:5000/kiln/kiln-fetch:1"});
  ASSERT_TRUE(r.options) << r.output;
  const auto& o = *r.options;
  EXPECT_EQ(o.kubeconfig, "/tmp/kc");
  EXPECT_EQ(o.context, "dev");
  EXPECT_EQ(o.namespaces, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(o.leader_elect);
  EXPECT_EQ(o.leader_election_namespace, "kiln");  // follows --system-namespace
  EXPECT_EQ(o.identity, "me");
  EXPECT_EQ(o.metrics_address, (BindAddress{"127.0.0.1", 9090}));
  EXPECT_EQ(o.probe_address, (BindAddress{"0.0.0.0", 9091}));
  EXPECT_EQ(o.log_level, "debug");
  EXPECT_TRUE(o.log_json);
  EXPECT_EQ(o.workers, 4);
  EXPECT_EQ(o.model_workers, 8);
  EXPECT_EQ(o.registry, "127.0.0.1:5000");
  EXPECT_EQ(o.registry_secret, "kiln/push");
  EXPECT_TRUE(o.registry_plain_http);
  EXPECT_EQ(o.fetch_image, "127.0.0.1:5000/kiln/kiln-fetch:1");
}

TEST(OperatorOptions, MetricsCanBeTurnedOff) {
  auto r = parse({"--metrics-bind-address", "0"});
  ASSERT_TRUE(r.options) << r.output;
  EXPECT_FALSE(r.options->metrics_address);
}

TEST(OperatorOptions, BadInputIsAClearUsageError) {
  struct Case {
    std::vector<const char*> args;
    std::string says;
  };
  for (const auto& c : std::vector<Case>{
           {{"--log-level", "loud"}, "--log-level"},
           {{"--workers", "0"}, "--workers"},
           {{"--metrics-bind-address", "nowhere"}, "host:port"},
           {{"--health-probe-bind-address", ":99999"}, "bad port"},
           {{"--health-probe-bind-address", "0"}, "cannot be turned off"},
           {{"--registry-secret", "just-a-name", "--registry", "r:5000", "--fetch-image", "f"},
            "NAMESPACE/NAME"},
           {{"--registry", "r:5000"}, "--fetch-image"},
           {{"--in-cluster", "--kubeconfig", "x"}, "excludes"},
           {{"--no-such-flag"}, "--no-such-flag"}}) {
    auto r = parse(c.args);
    EXPECT_FALSE(r.options) << c.says;
    EXPECT_EQ(r.exit_code, 2) << c.says;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << r.output;
  }
}

TEST(OperatorOptions, ControllersAndJobNodeSelector) {
  auto r = parse({"--controllers", "environment,modelpackage", "--job-node-selector",
                  "kiln.dev/builder=true", "--job-node-selector", "pool=build"});
  ASSERT_TRUE(r.options) << r.output;
  EXPECT_EQ(r.options->controllers, (std::vector<std::string>{"environment", "modelpackage"}));
  EXPECT_EQ(r.options->job_placement.node_selector,
            (std::map<std::string, std::string>{{"kiln.dev/builder", "true"}, {"pool", "build"}}));
  r = parse({"--controllers", "model,environment,inferenceservice,modelpackage"});
  EXPECT_TRUE(r.options) << r.output;
  r = parse({"--controllers", "builds"});
  EXPECT_FALSE(r.options);
  EXPECT_EQ(r.exit_code, 2);
  r = parse({"--job-node-selector", "no-value"});
  EXPECT_FALSE(r.options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("KEY=VALUE"), std::string::npos) << r.output;
}

TEST(OperatorOptions, HelpExitsZero) {
  auto r = parse({"--help"});
  EXPECT_FALSE(r.options);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--leader-elect"), std::string::npos);
  EXPECT_NE(r.output.find("--fetch-image"), std::string::npos);
}

}  // namespace
