// The registration Job, field by field.
#include "reconcilers/model/registration_job.hpp"

#include <gtest/gtest.h>

#include "tests/unit/model/model_fixtures.hpp"

namespace {

using nlohmann::json;
using namespace kiln::reconcilers::model;
using kiln::testing::make_model;
using kiln::testing::make_settings;

TEST(RegistrationJob, HttpsSourceWithHeadersShaAndCa) {
  auto model = make_model("https://models.example.com/diabetes/model.pkl");
  model.spec.source.sha256 = std::string(64, 'a');
  model.spec.source.secret_ref = kiln::api::LocalObjectReference{"headers"};
  model.spec.source.ca_config_map_ref = kiln::api::KeyReference{"internal-ca", "root.pem"};
  auto settings = make_settings();
  const json job = desired_registration_job(model, settings);

  EXPECT_EQ(job["apiVersion"], "batch/v1");
  EXPECT_EQ(job["kind"], "Job");
  EXPECT_EQ(job["metadata"]["namespace"], "team-a");
  EXPECT_EQ(job["metadata"]["name"], registration_job_name(model, settings));
  EXPECT_TRUE(job["metadata"]["name"].get<std::string>().starts_with("diabetes-register-"));
  EXPECT_EQ(job["metadata"]["labels"]["kiln.dev/model"], "diabetes");
  EXPECT_EQ(job["metadata"]["labels"]["app.kubernetes.io/component"], "model-registration");
  EXPECT_EQ(job["metadata"]["annotations"]["kiln.dev/registration-key"],
            registration_key(model, settings));
  const auto& owner = job["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["apiVersion"], "kiln.dev/v1alpha1");
  EXPECT_EQ(owner["kind"], "Model");
  EXPECT_EQ(owner["name"], "diabetes");
  EXPECT_EQ(owner["uid"], "0b6c1a52-8a9e-4c55-9f0e-3a4c0f0e7a11");
  EXPECT_EQ(owner["controller"], true);

  EXPECT_EQ(job["spec"]["backoffLimit"], 2);
  EXPECT_EQ(job["spec"]["activeDeadlineSeconds"], 3600);
  const auto& pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(job["spec"]["template"]["metadata"]["labels"]["kiln.dev/model"], "diabetes");
  EXPECT_EQ(pod["restartPolicy"], "Never");
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  ASSERT_EQ(pod["containers"].size(), 1u);
  const auto& c = pod["containers"][0];
  EXPECT_EQ(c["image"], "127.0.0.1:5000/kiln/kiln-fetch:0.1.0");
  EXPECT_EQ(c["terminationMessagePath"], "/dev/termination-log");
  EXPECT_EQ(c["terminationMessagePolicy"], "File");
  EXPECT_EQ(c["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(c["args"],
            json::array({"register", "--source", "https://models.example.com/diabetes/model.pkl",
                         "--repository", "127.0.0.1:5000/models/team-a/diabetes", "--sha256",
                         std::string(64, 'a'), "--source-secret-dir", "/var/run/kiln/source-secret",
                         "--source-ca", "/var/run/kiln/source-ca/root.pem", "--result-file",
                         "/dev/termination-log"}));
  EXPECT_EQ(pod["volumes"],
            json::parse(R"([{"name":"source-secret","secret":{"secretName":"headers"}},
                            {"name":"source-ca","configMap":{"name":"internal-ca"}},
                            {"name":"work","emptyDir":{}}])"));
  EXPECT_EQ(
      c["volumeMounts"],
      json::parse(
          R"([{"name":"source-secret","mountPath":"/var/run/kiln/source-secret","readOnly":true},
                            {"name":"source-ca","mountPath":"/var/run/kiln/source-ca","readOnly":true},
                            {"name":"work","mountPath":"/tmp"}])"));
}

TEST(RegistrationJob, PvcSourceMountsTheClaimReadOnly) {
  auto model = make_model("pvc://training-output/run-7/model.onnx");
  const json job = desired_registration_job(model, make_settings());
  const auto& pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["volumes"][0], json::parse(R"({"name":"source","persistentVolumeClaim":
                               {"claimName":"training-output","readOnly":true}})"));
  const auto& args = pod["containers"][0]["args"];
  EXPECT_EQ(args[1], "--source");
  EXPECT_EQ(args[2], "file:///mnt/source/run-7/model.onnx");
  EXPECT_EQ(pod["containers"][0]["volumeMounts"][0]["mountPath"], "/mnt/source");
}

TEST(RegistrationJob, RegistryCredentialsCaAndPlainHttp) {
  auto model = make_model("s3://bucket/models/diabetes/");
  auto settings = make_settings();
  settings.registry_secret = "kiln-registry";
  settings.registry_has_config = true;
  settings.registry_has_ca = true;
  settings.registry_plain_http = true;
  const json job = desired_registration_job(model, settings);
  const auto& pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["volumes"][0],
            json::parse(R"({"name":"registry","secret":{"secretName":"kiln-registry"}})"));
  const auto args = pod["containers"][0]["args"].get<std::vector<std::string>>();
  const std::vector<std::string> tail(args.begin() + 5, args.end());
  EXPECT_EQ(tail, (std::vector<std::string>{
                      "--registry-config", "/var/run/kiln/registry/.dockerconfigjson",
                      "--registry-ca", "/var/run/kiln/registry/ca.crt", "--registry-plain-http",
                      "--result-file", "/dev/termination-log"}));
}

TEST(RegistrationJob, NameFollowsTheRegistrationInputsOnly) {
  auto settings = make_settings();
  auto a = make_model("https://h.example.com/m.pkl");
  auto b = a;
  b.spec.description = "edited";
  b.spec.tags["k"] = "v";
  EXPECT_EQ(registration_job_name(a, settings), registration_job_name(b, settings));
  b.spec.source.uri = "https://h.example.com/m2.pkl";
  EXPECT_NE(registration_job_name(a, settings), registration_job_name(b, settings));
  auto c = a;
  c.metadata["annotations"] = {{kReregisterAnnotation, "1"}};
  EXPECT_NE(registration_job_name(a, settings), registration_job_name(c, settings));
}

TEST(RegistrationJob, LongModelNamesGiveValidJobNames) {
  auto model = make_model("https://h.example.com/m.pkl", std::string(63, 'm'));
  const auto name = registration_job_name(model, make_settings());
  EXPECT_LE(name.size(), 62u);
  EXPECT_TRUE(kiln::api::is_dns_label(name)) << name;
}

}  // namespace
