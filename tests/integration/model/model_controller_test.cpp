// kiln-operator's Model controller against the real control plane and a real
// registry: the registration Job's spec field by field, a missing Secret in
// status, versions tagged v<N> in the registry by digest, the operator
// refusing to start without the CRDs, and never crashing.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "operator/oci/digest.hpp"
#include "operator/oci/image_manifest.hpp"
#include "operator/oci/registry_client.hpp"
#include "tests/integration/api/kiln_crd_test.hpp"
#include "tests/integration/oci/registry_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/command.hpp"

namespace {

using kiln::testing::ChildProcess;
using kiln::testing::KilnCrdTest;
using kiln::testing::RegistryProcess;
using nlohmann::json;
using namespace std::chrono_literals;

class ModelController : public KilnCrdTest {
 protected:
  void SetUp() override {
    KilnCrdTest::SetUp();
    if (HasFatalFailure()) return;
    registry_ = std::make_unique<RegistryProcess>();
  }
  void TearDown() override {
    if (operator_) {
      // The controller never crashed, whatever the test did.
      EXPECT_TRUE(operator_->running()) << operator_->log();
      operator_->signal(SIGTERM);
      auto code = operator_->wait_for_exit(20s);
      EXPECT_EQ(code, 0) << operator_->log();
    }
    KilnCrdTest::TearDown();
  }

  std::string fetch_image() const { return registry_->host() + "/kiln/kiln-fetch:test"; }

  void start_operator() {
    const std::vector<std::string> argv = {
        KILN_OPERATOR,
        "--kubeconfig",
        cluster().var("KUBECONFIG"),
        "--namespace",
        ns(),
        "--no-leader-elect",
        "--health-probe-bind-address",
        "127.0.0.1:" + std::to_string(kiln::testing::free_port()),
        "--metrics-bind-address",
        "0",
        "--registry",
        registry_->host(),
        "--registry-plain-http",
        "--fetch-image",
        fetch_image(),
        "--log-level",
        "debug"};
    operator_ = std::make_unique<ChildProcess>(argv, "/tmp/kiln-operator-" + ns() + ".log");
  }

  json model(const std::string& name) { return get_json({"model", name}); }

  std::string condition(const json& object, const std::string& type, const char* field) {
    for (const auto& c : object.value("/status/conditions"_json_pointer, json::array())) {
      if (c.value("type", "") == type) return c.value(field, "");
    }
    return "";
  }

  bool wait_for_reason(const std::string& name, const std::string& reason,
                       std::chrono::milliseconds timeout = 60s) {
    return eventually([&] { return condition(model(name), "Ready", "reason") == reason; }, timeout);
  }

  // The Model's registration Job once it exists.
  json wait_for_job(const std::string& model_name, const std::string& not_named = "",
                    std::chrono::milliseconds timeout = 60s) {
    json found;
    EXPECT_TRUE(eventually(
        [&] {
          auto jobs = get_json({"jobs", "-l", "kiln.dev/model=" + model_name});
          for (const auto& j : jobs.value("items", json::array())) {
            if (j["metadata"]["name"] != not_named) {
              found = j;
              return true;
            }
          }
          return false;
        },
        timeout))
        << "no registration Job for " << model_name << "\n"
        << (operator_ ? operator_->log() : "");
    return found;
  }

  // Pushes a one-layer image to models/<ns>/<name>; its manifest digest.
  std::string push_model_image(const std::string& name, const std::string& bytes) {
    kiln::oci::RegistryOptions options;
    options.registry = registry_->host();
    options.plain_http = true;
    kiln::oci::RegistryClient client(options);
    const std::string repo = "models/" + ns() + "/" + name;
    const auto layer = kiln::oci::sha256_digest(kiln::oci::sha256_hex(bytes));
    client.push_blob(repo, layer, bytes);
    const auto config = kiln::oci::single_layer_config(layer);
    const auto config_digest = kiln::oci::sha256_digest(kiln::oci::sha256_hex(config));
    client.push_blob(repo, config_digest, config);
    const auto manifest = kiln::oci::image_manifest(
        {std::string(kiln::oci::kOciConfig), config_digest, config.size()},
        {{std::string(kiln::oci::kOciLayerTar), layer, bytes.size()}});
    return client.put_manifest(repo, "sha256-" + kiln::oci::sha256_hex(bytes), manifest,
                               kiln::oci::kOciManifest);
  }

  // Plays kiln-fetch: once KWOK has completed the Job's pod, writes the
  // result line into its container's termination message, then nudges the
  // Model (an annotation) so the controller looks again.
  void finish_registration(const std::string& model_name, const json& job, const json& result) {
    const std::string job_name = job["metadata"]["name"];
    std::string pod;
    ASSERT_TRUE(eventually([&] {
      auto pods = get_json({"pods", "-l", "batch.kubernetes.io/job-name=" + job_name});
      for (const auto& p : pods.value("items", json::array())) {
        if (p.value("/status/phase"_json_pointer, std::string()) == "Succeeded" &&
            p.value("/status/containerStatuses/0/state/terminated"_json_pointer, json())
                .is_object()) {
          pod = p["metadata"]["name"];
          return true;
        }
      }
      return false;
    })) << "the registration pod never completed";
    json patch = json::array({{{"op", "add"},
                               {"path", "/status/containerStatuses/0/state/terminated/message"},
                               {"value", result.dump()}}});
    auto r =
        kubectl({"patch", "pod", pod, "--subresource=status", "--type=json", "-p", patch.dump()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = kubectl({"annotate", "--overwrite", "model", model_name,
                 "kiln.test/nudge=" + std::to_string(++nudges_)});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  json success(const std::string& name, const std::string& digest, std::size_t size) {
    return {{"digest", digest},
            {"contentSha256", std::string(64, 'c')},
            {"sizeBytes", size},
            {"image", registry_->host() + "/models/" + ns() + "/" + name + "@" + digest}};
  }

  std::unique_ptr<RegistryProcess> registry_;
  std::unique_ptr<ChildProcess> operator_;
  int nudges_ = 0;
};

TEST_F(ModelController, RegistrationJobSpecFieldByField) {
  start_operator();
  apply(R"(apiVersion: v1
kind: Secret
metadata:
  name: model-headers
stringData:
  headers: "Authorization: Bearer t0ken"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: model-ca
data:
  root.pem: "-----BEGIN CERTIFICATE-----"
---
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: diabetes
spec:
  source:
    uri: https://models.example.com/diabetes/model.pkl
    sha256: 3f8a0c1b9d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c
    secretRef:
      name: model-headers
    caConfigMapRef:
      name: model-ca
      key: root.pem
  format: pickle
  framework: scikit-learn
)");
  const json job = wait_for_job("diabetes");
  const json m = model("diabetes");
  const std::string name = job["metadata"]["name"];
  EXPECT_TRUE(name.starts_with("diabetes-register-")) << name;
  EXPECT_EQ(job["metadata"]["labels"]["app.kubernetes.io/managed-by"], "kiln");
  EXPECT_EQ(job["metadata"]["labels"]["app.kubernetes.io/component"], "model-registration");
  const auto& owner = job["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "Model");
  EXPECT_EQ(owner["uid"], m["metadata"]["uid"]);
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ(owner["blockOwnerDeletion"], true);
  EXPECT_EQ(job["spec"]["backoffLimit"], 2);
  EXPECT_EQ(job["spec"]["activeDeadlineSeconds"], 3600);
  const auto& pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"], "Never");
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  const auto& c = pod["containers"][0];
  EXPECT_EQ(c["name"], "kiln-fetch");
  EXPECT_EQ(c["image"], fetch_image());
  EXPECT_EQ(c["terminationMessagePath"], "/dev/termination-log");
  EXPECT_EQ(c["terminationMessagePolicy"], "File");
  EXPECT_EQ(
      c["args"],
      json::array({"register", "--source", "https://models.example.com/diabetes/model.pkl",
                   "--repository", registry_->host() + "/models/" + ns() + "/diabetes", "--sha256",
                   "3f8a0c1b9d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c",
                   "--source-secret-dir", "/var/run/kiln/source-secret", "--source-ca",
                   "/var/run/kiln/source-ca/root.pem", "--registry-plain-http", "--result-file",
                   "/dev/termination-log"}));
  EXPECT_EQ(pod["volumes"][0]["secret"]["secretName"], "model-headers");
  EXPECT_EQ(pod["volumes"][1]["configMap"]["name"], "model-ca");
  EXPECT_EQ(pod["volumes"][2], json::parse(R"({"name":"work","emptyDir":{}})"));
  EXPECT_EQ(c["volumeMounts"][2]["mountPath"], "/tmp");  // read-only root: scratch for the layer
  EXPECT_EQ(c["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(c["securityContext"]["allowPrivilegeEscalation"], false);
  // Status says what is happening (or, once KWOK has completed the pod
  // without a result, that it ended without one).
  EXPECT_TRUE(eventually([&] {
    auto s = condition(model("diabetes"), "Registered", "reason");
    return s == "Registering" || s == "RegistrationJobFailed";
  }));
  EXPECT_EQ(model("diabetes")["status"]["registrationJob"], name);
  EXPECT_EQ(model("diabetes")["status"]["observedGeneration"], 1);
}

TEST_F(ModelController, MissingSecretIsReportedThenRecovered) {
  start_operator();
  apply(R"(apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: s3model
spec:
  source:
    uri: s3://training-bucket/models/s3model/
    secretRef:
      name: s3-credentials
)");
  ASSERT_TRUE(wait_for_reason("s3model", "SecretNotFound")) << operator_->log();
  const json m = model("s3model");
  EXPECT_EQ(condition(m, "Ready", "status"), "False");
  EXPECT_EQ(condition(m, "SourceReachable", "status"), "False");
  EXPECT_NE(condition(m, "Ready", "message").find("s3-credentials"), std::string::npos);
  EXPECT_NE(condition(m, "Ready", "message").find("accessKeyId"), std::string::npos);
  auto jobs = get_json({"jobs", "-l", "kiln.dev/model=s3model"});
  EXPECT_TRUE(jobs["items"].empty()) << "a Job was created without its Secret";

  apply(R"(apiVersion: v1
kind: Secret
metadata:
  name: s3-credentials
stringData:
  accessKeyId: AKIAEXAMPLE
  secretAccessKey: secret
)");
  // The controller watches the Secrets Models name: the Job follows at once,
  // well before the 30 s recheck.
  wait_for_job("s3model", "", 15s);
}

TEST_F(ModelController, AFailedRegistrationRunsAgainWhenItsSecretChanges) {
  start_operator();
  apply(R"(apiVersion: v1
kind: Secret
metadata:
  name: model-headers
stringData:
  headers: "Authorization: Bearer wrong-token"
---
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: guarded
spec:
  source:
    uri: https://models.example.com/guarded/model.pkl
    secretRef:
      name: model-headers
)");
  auto secret_version = [&] {
    return get_json({"secret", "model-headers"})["metadata"]["resourceVersion"].get<std::string>();
  };
  const json job1 = wait_for_job("guarded");
  const std::string job_name = job1["metadata"]["name"];
  EXPECT_EQ(job1["metadata"]["annotations"]["kiln.dev/source-secret-version"], secret_version());
  finish_registration("guarded", job1,
                      {{"reason", "SourceUnauthorized"},
                       {"message",
                        "GET https://models.example.com/guarded/model.pkl: 401; check the "
                        "headers Secret"}});
  ASSERT_TRUE(wait_for_reason("guarded", "SourceUnauthorized")) << operator_->log();
  // A permanent failure stands while nothing changes.
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(get_json({"job", job_name})["metadata"]["uid"], job1["metadata"]["uid"]);
  EXPECT_EQ(condition(model("guarded"), "Ready", "reason"), "SourceUnauthorized");

  // The user fixes the credentials: the registration runs again, with no spec edit.
  apply(R"(apiVersion: v1
kind: Secret
metadata:
  name: model-headers
stringData:
  headers: "Authorization: Bearer right-token"
)");
  const std::string fixed_version = secret_version();
  json job2;
  ASSERT_TRUE(eventually(
      [&] {
        auto r = kubectl({"get", "job", job_name, "-o", "json"});
        if (r.exit_code != 0) return false;
        job2 = json::parse(r.output);
        return job2["metadata"]["uid"] != job1["metadata"]["uid"];
      },
      30s))
      << operator_->log();
  EXPECT_EQ(job2["metadata"]["annotations"]["kiln.dev/source-secret-version"], fixed_version);
  // The first Job's pods are gone before the test plays kiln-fetch for the second.
  ASSERT_TRUE(eventually([&] {
    return get_json({"pods", "-l",
                     "batch.kubernetes.io/controller-uid=" +
                         job1["metadata"]["uid"].get<std::string>()})["items"]
        .empty();
  }));
  const std::string bytes = "guarded model";
  const auto digest = push_model_image("guarded", bytes);
  finish_registration("guarded", job2, success("guarded", digest, bytes.size()));
  ASSERT_TRUE(eventually([&] {
    return model("guarded").value("/status/version"_json_pointer, 0) == 1;
  })) << model("guarded").dump(2)
      << operator_->log();
  EXPECT_EQ(condition(model("guarded"), "Ready", "status"), "True");
}

TEST_F(ModelController, VersionsAreTaggedInTheRegistryByDigest) {
  start_operator();
  apply(R"(apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: iris
spec:
  source:
    uri: https://models.example.com/iris/model.onnx
  format: onnx
)");
  const std::string v1_bytes = "iris model, first training run";
  const auto digest1 = push_model_image("iris", v1_bytes);
  json job1 = wait_for_job("iris");
  // KWOK completes the pod with no result first: status says so.
  ASSERT_TRUE(wait_for_reason("iris", "RegistrationJobFailed")) << operator_->log();
  finish_registration("iris", job1, success("iris", digest1, v1_bytes.size()));
  ASSERT_TRUE(eventually([&] {
    return model("iris").value("/status/version"_json_pointer, 0) == 1;
  })) << model("iris").dump(2)
      << operator_->log();
  json m = model("iris");
  EXPECT_EQ(m["status"]["digest"], digest1);
  EXPECT_EQ(m["status"]["image"], registry_->host() + "/models/" + ns() + "/iris@" + digest1);
  EXPECT_EQ(m["status"]["sizeBytes"], v1_bytes.size());
  EXPECT_EQ(condition(m, "Ready", "status"), "True");
  EXPECT_EQ(condition(m, "SourceReachable", "status"), "True");

  kiln::oci::RegistryOptions options;
  options.registry = registry_->host();
  options.plain_http = true;
  kiln::oci::RegistryClient client(options);
  auto v1 = client.head_manifest("models/" + ns() + "/iris", "v1");
  ASSERT_TRUE(v1) << "v1 is not tagged";
  EXPECT_EQ(v1->digest, digest1);

  // A new source with new content: version 2, tagged v2, v1 still listed.
  const std::string v2_bytes = "iris model, retrained";
  const auto digest2 = push_model_image("iris", v2_bytes);
  auto r =
      kubectl({"patch", "model", "iris", "--type=merge", "-p",
               R"({"spec":{"source":{"uri":"https://models.example.com/iris/model-2.onnx"}}})"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  json job2 = wait_for_job("iris", job1["metadata"]["name"]);
  finish_registration("iris", job2, success("iris", digest2, v2_bytes.size()));
  ASSERT_TRUE(eventually([&] {
    return model("iris").value("/status/version"_json_pointer, 0) == 2;
  })) << model("iris").dump(2)
      << operator_->log();
  m = model("iris");
  ASSERT_EQ(m["status"]["versions"].size(), 2u);
  EXPECT_EQ(m["status"]["versions"][0]["version"], 2);
  EXPECT_EQ(m["status"]["versions"][0]["digest"], digest2);
  EXPECT_EQ(m["status"]["versions"][1]["version"], 1);
  EXPECT_EQ(m["status"]["versions"][1]["digest"], digest1);
  auto v2 = client.head_manifest("models/" + ns() + "/iris", "v2");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->digest, digest2);
  EXPECT_EQ(client.head_manifest("models/" + ns() + "/iris", "v1")->digest, digest1);
  // The first Job, finished and superseded, is cleaned up.
  EXPECT_TRUE(eventually([&] {
    return kubectl({"get", "job", job1["metadata"]["name"].get<std::string>()}).exit_code != 0;
  }));

  // Registering the same content again (reregister) keeps version 2.
  r = kubectl({"annotate", "model", "iris", "kiln.dev/reregister=1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  json job3 = wait_for_job("iris", job2["metadata"]["name"]);
  finish_registration("iris", job3, success("iris", digest2, v2_bytes.size()));
  ASSERT_TRUE(eventually([&] {
    auto s = model("iris");
    return s.value("/status/registrationJob"_json_pointer, std::string()) ==
               job3["metadata"]["name"] &&
           condition(s, "Ready", "status") == "True";
  })) << model("iris").dump(2);
  m = model("iris");
  EXPECT_EQ(m["status"]["version"], 2);
  EXPECT_EQ(m["status"]["versions"].size(), 2u);
  EXPECT_FALSE(client.head_manifest("models/" + ns() + "/iris", "v3"));
}

TEST_F(ModelController, FailuresReachStatusAndNothingCrashes) {
  start_operator();
  apply(R"(apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: private
spec:
  source:
    uri: https://models.example.com/private/model.pkl
---
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: ipbucket
spec:
  source:
    uri: s3://10.0.0.1/model.pkl
)");
  // Only the controller can tell: a bucket named like an IP address.
  ASSERT_TRUE(wait_for_reason("ipbucket", "InvalidSpec")) << operator_->log();
  EXPECT_NE(condition(model("ipbucket"), "Ready", "message").find("IP address"), std::string::npos);

  json job = wait_for_job("private");
  finish_registration("private", job,
                      {{"reason", "SourceUnauthorized"},
                       {"message",
                        "GET https://models.example.com/private/model.pkl: 401; check "
                        "the headers Secret"}});
  ASSERT_TRUE(wait_for_reason("private", "SourceUnauthorized")) << operator_->log();
  const json m = model("private");
  EXPECT_EQ(condition(m, "SourceReachable", "reason"), "SourceUnauthorized");
  EXPECT_NE(condition(m, "Ready", "message").find("401"), std::string::npos);
  EXPECT_FALSE(m["status"].contains("version"));

  // A garbled result does not take the operator down either.
  finish_registration("private", job, json("not the contract"));
  ASSERT_TRUE(wait_for_reason("private", "RegistrationJobFailed")) << operator_->log();
}

TEST_F(ModelController, OperatorLeadsServesProbesAndMetricsAndLogsJson) {
  const auto probe_port = kiln::testing::free_port();
  const auto metrics_port = kiln::testing::free_port();
  // Leader election is on by default; the Lease lives in this test's namespace.
  operator_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{
          KILN_OPERATOR, "--kubeconfig", cluster().var("KUBECONFIG"), "--namespace", ns(),
          "--system-namespace", ns(), "--leader-election-id", "kiln-test",
          "--health-probe-bind-address", "127.0.0.1:" + std::to_string(probe_port),
          "--metrics-bind-address", "127.0.0.1:" + std::to_string(metrics_port), "--log-json",
          "--registry", registry_->host(), "--registry-plain-http", "--fetch-image", fetch_image()},
      "/tmp/kiln-operator-" + ns() + ".log");
  ASSERT_TRUE(eventually([&] {
    return kubectl({"get", "lease", "kiln-test"}).exit_code == 0;
  })) << operator_->log();
  auto http = [](unsigned short port, const std::string& path) {
    return kiln::testing::run_command(
        {"curl", "-s", "--max-time", "5", "http://127.0.0.1:" + std::to_string(port) + path});
  };
  ASSERT_TRUE(eventually([&] { return http(probe_port, "/readyz").output == "ok"; }))
      << http(probe_port, "/readyz").output;
  EXPECT_EQ(http(probe_port, "/healthz").output, "ok");

  apply(R"(apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: counted
spec:
  source:
    uri: https://models.example.com/counted/model.pkl
)");
  wait_for_job("counted");
  ASSERT_TRUE(eventually([&] {
    return http(metrics_port, "/metrics")
               .output.find("controller_runtime_reconcile_total{controller=\"model\"") !=
           std::string::npos;
  })) << http(metrics_port, "/metrics").output;
  // The probe port does not serve metrics when they have their own address.
  EXPECT_EQ(http(probe_port, "/metrics").output.find("controller_runtime_reconcile_total"),
            std::string::npos);

  // --log-json: every line is one JSON object.
  const auto log = operator_->log();
  std::istringstream lines(log);
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << line;
    if (!j.is_discarded()) {
      EXPECT_TRUE(j.contains("msg") && j.contains("level")) << line;
    }
    ++count;
  }
  EXPECT_GT(count, 2);
}

}  // namespace
