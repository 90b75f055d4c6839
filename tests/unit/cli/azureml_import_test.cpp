// kiln import: the seeds' inferenceconfig.json with an AKS deployment config,
// and a table of malformed or partial Azure ML files, each giving an error or
// a warning that names the file and the field.

#include "cli/azureml_import.hpp"

#include <gtest/gtest.h>

#include "cli/render.hpp"
#include "tests/unit/cli/temp_dir.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;

// Seeds 000/004 (custom base image docs): the inline-environment example, verbatim.
const char* kSeedInferenceConfig = R"({
    "entryScript": "score.py",
    "environment": {
        "docker": {
            "arguments": [],
            "baseDockerfile": null,
            "baseImage": "mcr.microsoft.com/azureml/o16n-sample-user-base/ubuntu-miniconda",
            "enabled": false,
            "sharedVolumes": true,
            "shmSize": null
        },
        "environmentVariables": {
            "EXAMPLE_ENV_VAR": "EXAMPLE_VALUE"
        },
        "name": "my-deploy-env",
        "python": {
            "baseCondaEnvironment": null,
            "condaDependencies": {
                "channels": [
                    "conda-forge"
                ],
                "dependencies": [
                    "python=3.6.2",
                    {
                        "pip": [
                            "azureml-defaults",
                            "azureml-telemetry",
                            "scikit-learn",
                            "inference-schema[numpy-support]"
                        ]
                    }
                ],
                "name": "project_environment"
            },
            "condaDependenciesFile": null,
            "interpreterPath": "python",
            "userManagedDependencies": false
        },
        "version": "1"
    }
})";

const char* kAksDeploymentConfig = R"({
  "computeType": "aks",
  "autoScaler": {"autoscaleEnabled": true, "minReplicas": 1, "maxReplicas": 3,
                 "refreshPeriodInSeconds": 10, "targetUtilization": 70},
  "authEnabled": true,
  "containerResourceRequirements": {"cpu": 0.5, "memoryInGB": 1.0},
  "appInsightsEnabled": true,
  "scoringTimeoutMs": 5000,
  "maxConcurrentRequestsPerContainer": 2,
  "maxQueueWaitMs": 5000,
  "livenessProbeRequirements": {"failureThreshold": 3, "successThreshold": 1,
                                "timeoutSeconds": 2, "initialDelaySeconds": 310,
                                "periodSeconds": 10}
})";

const json* find_kind(const ImportResult& r, const std::string& kind) {
  for (const auto& o : r.objects) {
    if (o["kind"] == kind) return &o;
  }
  return nullptr;
}

bool has_warning(const ImportResult& r, const std::string& part) {
  for (const auto& w : r.warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(AzureMlImport, SeedInferenceConfigWithAksDeploymentConfig) {
  test::TempDir dir;
  ImportRequest req;
  req.name = "myservice";
  req.inference_config = dir.write("inferenceconfig.json", kSeedInferenceConfig);
  req.deployment_config = dir.write("deploymentconfig.json", kAksDeploymentConfig);
  dir.write("score.py", "def init():\n    pass\n\ndef run(raw):\n    return raw\n");
  req.models = {"diabetes:1=https://example.com/sklearn_regression_model.pkl"};
  auto r = import_azureml(req);

  ASSERT_EQ(r.objects.size(), 4u);
  const json& env = *find_kind(r, "Environment");
  EXPECT_EQ(env["metadata"]["name"], "my-deploy-env");
  EXPECT_EQ(env["spec"]["baseImage"],
            "mcr.microsoft.com/azureml/o16n-sample-user-base/ubuntu-miniconda");
  EXPECT_EQ(env["spec"]["python"]["condaDependencies"]["dependencies"], json({"python=3.8"}));
  EXPECT_EQ(env["spec"]["python"]["condaDependencies"]["pip"].size(), 4u);
  EXPECT_EQ(env["spec"]["env"], json({{{"name", "EXAMPLE_ENV_VAR"}, {"value", "EXAMPLE_VALUE"}}}));
  EXPECT_TRUE(has_warning(r, "dependencies[0]: python=3.6.2 is older"));

  const json& svc = *find_kind(r, "InferenceService");
  EXPECT_EQ(svc["spec"]["target"], "cluster");
  EXPECT_EQ(svc["spec"]["autoscaling"],
            json({{"minReplicas", 1}, {"maxReplicas", 3}, {"targetUtilization", 70}}));
  EXPECT_EQ(svc["spec"]["auth"]["enabled"], true);
  EXPECT_EQ(svc["spec"]["resources"]["requests"], json({{"cpu", "500m"}, {"memory", "1024Mi"}}));
  EXPECT_EQ(svc["spec"]["scoringTimeoutMs"], 5000);
  EXPECT_EQ(svc["spec"]["maxConcurrentRequestsPerReplica"], 2);
  EXPECT_EQ(svc["spec"]["maxQueueWaitMs"], 5000);
  EXPECT_EQ(svc["spec"]["probes"]["liveness"]["initialDelaySeconds"], 310);
  EXPECT_EQ(svc["spec"]["models"], json({{{"name", "diabetes"}, {"version", 1}}}));
  EXPECT_EQ(svc["spec"]["environmentRef"]["name"], "my-deploy-env");
  const json& cm = *find_kind(r, "ConfigMap");
  EXPECT_EQ(cm["metadata"]["name"], "myservice-script");
  EXPECT_TRUE(cm["data"].contains("score.py"));

  // Every field not mapped is named.
  for (const char* field :
       {"environment.version", "environment.docker.sharedVolumes", "environment.docker.enabled",
        "autoScaler.refreshPeriodInSeconds", "appInsightsEnabled"}) {
    EXPECT_TRUE(has_warning(r, field)) << field << "\n" << ::testing::PrintToString(r.warnings);
  }
}

struct Case {
  const char* name;
  const char* inference_config;   // nullptr: the seed's
  const char* deployment_config;  // nullptr: none
  const char* target;             // nullptr: none
  const char* error;              // expected in the error, or nullptr
  const char* warning;            // expected in a warning, or nullptr
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class MalformedAzureMl : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedAzureMl, NamesTheFileAndField) {
  const Case& c = GetParam();
  test::TempDir dir;
  dir.write("score.py", "def init():\n    pass\n\ndef run(raw):\n    return raw\n");
  ImportRequest req;
  req.name = "svc";
  req.inference_config = dir.write("inferenceconfig.json",
                                   c.inference_config ? c.inference_config : kSeedInferenceConfig);
  if (c.deployment_config)
    req.deployment_config = dir.write("deploymentconfig.json", c.deployment_config);
  if (c.target) req.target = c.target;
  req.models = {"m=https://example.com/m.pkl"};
  if (c.error) {
    try {
      import_azureml(req);
      FAIL() << "expected an error containing: " << c.error;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.error), std::string::npos) << e.what();
    }
    return;
  }
  auto r = import_azureml(req);
  EXPECT_TRUE(has_warning(r, c.warning)) << ::testing::PrintToString(r.warnings);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MalformedAzureMl,
    ::testing::Values(
        Case{"NotJson", "{\"entryScript\": ", nullptr, nullptr,
             "inferenceconfig.json: not valid JSON", nullptr},
        Case{"NotAnObject", "[1, 2]", nullptr, nullptr,
             "inferenceconfig.json: expected a JSON object", nullptr},
        Case{"NoEntryScript", "{}", nullptr, nullptr, "inferenceconfig.json: entryScript: required",
             nullptr},
        Case{"EntryScriptNotString", R"({"entryScript": 3})", nullptr, nullptr,
             "inferenceconfig.json: entryScript: expected a string", nullptr},
        Case{"EntryScriptMissing", R"({"entryScript": "missing.py"})", nullptr, nullptr,
             "inferenceconfig.json: entryScript: ", nullptr},
        Case{"SourceDirectoryMissing", R"({"entryScript": "score.py", "sourceDirectory": "src"})",
             nullptr, nullptr, "inferenceconfig.json: sourceDirectory: ", nullptr},
        Case{"RuntimeNotPython", R"({"entryScript": "score.py", "runtime": "spark-py"})", nullptr,
             nullptr, "inferenceconfig.json: runtime: only python", nullptr},
        Case{"EnvironmentNotObject", R"({"entryScript": "score.py", "environment": "env"})",
             nullptr, nullptr, "inferenceconfig.json: environment: expected an object", nullptr},
        Case{"EnvVarNotString",
             R"({"entryScript": "score.py", "environment": {"environmentVariables": {"A": 1}}})",
             nullptr, nullptr, "environment.environmentVariables.A: expected a string", nullptr},
        Case{"CondaDependencyWrongShape",
             R"({"entryScript": "score.py", "environment": {"python": {"condaDependencies":
                 {"dependencies": [{"conda": ["x"]}]}}}})",
             nullptr, nullptr, "environment.python.condaDependencies.dependencies[0]: expected",
             nullptr},
        Case{"PipEntryNotString",
             R"({"entryScript": "score.py", "environment": {"python": {"condaDependencies":
                 {"dependencies": [{"pip": [1]}]}}}})",
             nullptr, nullptr, "dependencies[0].pip[0]: expected a string", nullptr},
        Case{"PythonTooNew",
             R"({"entryScript": "score.py", "environment": {"python": {"condaDependencies":
                 {"dependencies": ["python=3.14"]}}}})",
             nullptr, nullptr, "python=3.14: newer than kiln-serve supports", nullptr},
        Case{"CondaFileMissing",
             R"({"entryScript": "score.py", "environment": {"python": {"condaDependenciesFile":
                 "myenv.yml"}}})",
             nullptr, nullptr, "environment.python.condaDependenciesFile: ", nullptr},
        Case{"UnknownEnvironmentField",
             R"({"entryScript": "score.py", "environment": {"spark": {"repositories": ["x"]}}})",
             nullptr, nullptr, nullptr, "inferenceconfig.json: environment.spark: not mapped"},
        Case{"ExtraDockerfileSteps",
             R"({"entryScript": "score.py", "extraDockerfileSteps": "steps.txt"})", nullptr,
             nullptr, nullptr, "inferenceconfig.json: extraDockerfileSteps: not mapped"},
        Case{"RegistryCredentials",
             R"({"entryScript": "score.py", "environment": {"name": "e", "docker": {"baseImage":
                 "r.example.com/img", "baseImageRegistry": {"address": "r.example.com",
                 "username": "u", "password": "p"}}}})",
             nullptr, nullptr, nullptr, "environment.docker.baseImageRegistry.username/password"},
        Case{"NoComputeType", nullptr, R"({"authEnabled": true})", nullptr,
             "deploymentconfig.json: computeType: required", nullptr},
        Case{"UnknownComputeType", nullptr, R"({"computeType": "iotedge"})", nullptr,
             "deploymentconfig.json: computeType: expected aci, aks or local", nullptr},
        Case{"EdgeWithDeploymentConfig", nullptr, R"({"computeType": "aks"})", "edge",
             "IoT Edge deployments have no deployment config", nullptr},
        Case{"UnknownTarget", nullptr, nullptr, "gpu", "--target: expected dev", nullptr},
        Case{"ReplicasNotNumber", nullptr, R"({"computeType": "aks", "numReplicas": "3"})", nullptr,
             "deploymentconfig.json: numReplicas: expected a whole number", nullptr},
        Case{"CpuNegative", nullptr,
             R"({"computeType": "aci", "containerResourceRequirements": {"cpu": -1}})", nullptr,
             "deploymentconfig.json: containerResourceRequirements.cpu: must be between", nullptr},
        Case{"MemoryNotNumber", nullptr,
             R"({"computeType": "aci", "containerResourceRequirements": {"memoryInGB": "1G"}})",
             nullptr, "containerResourceRequirements.memoryInGB: expected a number", nullptr},
        Case{"AutoscalerMinAboveMax", nullptr,
             R"({"computeType": "aks", "autoScaler": {"minReplicas": 5, "maxReplicas": 2}})",
             nullptr, "deploymentconfig.json: autoScaler.minReplicas: is larger", nullptr},
        Case{"AuthNotBool", nullptr, R"({"computeType": "aks", "authEnabled": "yes"})", nullptr,
             "deploymentconfig.json: authEnabled: expected true or false", nullptr},
        Case{"ProbeNotNumber", nullptr,
             R"({"computeType": "aks", "livenessProbeRequirements": {"periodSeconds": "10s"}})",
             nullptr, "livenessProbeRequirements.periodSeconds: expected a whole number", nullptr},
        Case{"AciAutoscalerIgnored", nullptr,
             R"({"computeType": "aci", "autoScaler": {"autoscaleEnabled": true}})", nullptr,
             nullptr, "deploymentconfig.json: autoScaler: ignored"},
        Case{"TokenAuth", nullptr, R"({"computeType": "aks", "tokenAuthEnabled": true})", nullptr,
             nullptr, "deploymentconfig.json: tokenAuthEnabled: not mapped"},
        Case{"Keys", nullptr, R"({"computeType": "aks", "primaryKey": "abc"})", nullptr, nullptr,
             "deploymentconfig.json: primaryKey/secondaryKey: not written"},
        Case{"SslAndDns", nullptr, R"({"computeType": "aci", "sslEnabled": true})", nullptr,
             nullptr, "deploymentconfig.json: sslEnabled: not mapped"},
        Case{"LocalPort", nullptr, R"({"computeType": "local", "port": 32267})", nullptr, nullptr,
             "deploymentconfig.json: port: not mapped"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(AzureMlImport, EdgeTargetWithoutDeploymentConfig) {
  test::TempDir dir;
  dir.write("score.py", "def run(x):\n    return x\n");
  ImportRequest req;
  req.name = "edge-svc";
  req.inference_config = dir.write("inferenceconfig.json",
                                   R"({"entryScript": "score.py", "description": "at the edge"})");
  req.target = "edge";
  req.models = {"m=https://example.com/m.pkl"};
  auto r = import_azureml(req);
  const json& svc = *find_kind(r, "InferenceService");
  EXPECT_EQ(svc["spec"]["target"], "edge");
  EXPECT_EQ(svc["metadata"]["annotations"]["kiln.dev/description"], "at the edge");
}

TEST(AzureMlImport, BadNamesAndModels) {
  test::TempDir dir;
  dir.write("score.py", "def run(x):\n    return x\n");
  ImportRequest req;
  req.name = "My_Service";
  req.inference_config = dir.write("inferenceconfig.json", R"({"entryScript": "score.py"})");
  req.models = {"m=https://example.com/m.pkl"};
  EXPECT_THROW(import_azureml(req), InputError);
  req.name = "svc";
  req.models = {};
  EXPECT_THROW(import_azureml(req), InputError);
  req.models = {"noequals"};
  EXPECT_THROW(import_azureml(req), InputError);
  req.models = {"m=ftp://example.com/x"};  // the Model's own validation names spec.source.uri
  try {
    import_azureml(req);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("spec.source.uri"), std::string::npos) << e.what();
  }
}

TEST(AzureMlImport, PythonVersionMapping) {
  std::string warning;
  EXPECT_EQ(supported_python_dependency("python=3.6.2", warning), "python=3.8");
  EXPECT_FALSE(warning.empty());
  warning.clear();
  EXPECT_EQ(supported_python_dependency("python=3.11", warning), "python=3.11");
  EXPECT_TRUE(warning.empty());
  EXPECT_EQ(supported_python_dependency("numpy=1.26", warning), "numpy=1.26");
  EXPECT_EQ(dns_label("My_Deploy.Env"), "my-deploy-env");
}

}  // namespace
}  // namespace kiln::cli
