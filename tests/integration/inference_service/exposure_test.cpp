// Exposure outside the cluster (spec.exposure: an Ingress, or a Gateway API
// HTTPRoute when its CRDs are installed) and TLS inside it (spec.tls:
// kiln-serve serves HTTPS from the mounted certificate Secret), against the
// real control plane: the children field by field, the scoringUri's host and
// scheme, removal when exposure is dropped, and what a cluster without
// cert-manager reports.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "tests/integration/inference_service/inference_service_fixture.hpp"

namespace {

using kiln::testing::InferenceServiceTest;
using kiln::testing::run_command;
using nlohmann::json;
using namespace std::chrono_literals;

const char* kHost = "diabetes.scoring.example.com";

json spec_with(const json& extra) {
  json spec = {{"models", json::array({{{"name", "diabetes"}}})},
               {"environmentRef", {{"name", "sklearn"}}},
               {"inferenceConfig", {{"source", {{"inline", "def init():\n  pass\n"}}}}},
               {"target", "dev"}};
  spec.merge_patch(extra);
  return spec;
}

std::string tool(const std::string& name) {
  auto r = run_command({KILN_CLUSTER_BUILD_SH, "--print"});
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "=", 0) == 0) return line.substr(name.size() + 1);
  }
  return "";
}

std::string env_of(const json& container, const std::string& name) {
  for (const auto& e : container.value("env", json::array())) {
    if (e.value("name", "") == name) return e.value("value", "");
  }
  return "<unset>";
}

bool owned_by_kiln(const json& child, const std::string& owner) {
  const auto& refs = child["metadata"].value("ownerReferences", json::array());
  return refs.size() == 1 && refs[0]["kind"] == "InferenceService" && refs[0]["name"] == owner &&
         refs[0]["controller"] == true;
}

class ExposureTest : public InferenceServiceTest {
 protected:
  // A self-signed kubernetes.io/tls Secret for `names` (openssl).
  void create_tls_secret(const std::string& name, const std::vector<std::string>& names) {
    const auto dir = std::filesystem::temp_directory_path() / ("kiln-tls-" + ns() + "-" + name);
    std::filesystem::create_directories(dir);
    std::string san = "subjectAltName=";
    for (std::size_t i = 0; i < names.size(); ++i) san += (i ? ",DNS:" : "DNS:") + names[i];
    auto r = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                          "-subj", "/CN=kiln-test", "-addext", san, "-keyout",
                          (dir / "tls.key").string(), "-out", (dir / "tls.crt").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = kubectl({"create", "secret", "tls", name, "--cert=" + (dir / "tls.crt").string(),
                 "--key=" + (dir / "tls.key").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::filesystem::remove_all(dir);
  }
};

TEST_F(ExposureTest, IngressWithTlsGivesTheScoringUriItsHostAndKilnServeServesHttps) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  create_tls_secret("public-cert", {kHost});
  create_tls_secret("serving-cert", {"pub." + ns() + ".svc", "pub." + ns() + ".svc.cluster.local"});
  start_operator();
  apply_service("pub", spec_with({{"exposure",
                                   {{"kind", "Ingress"},
                                    {"host", kHost},
                                    {"ingressClassName", "nginx"},
                                    {"tls", {{"secretName", "public-cert"}}}}},
                                  {"tls", {{"secretName", "serving-cert"}}}}));
  ASSERT_TRUE(wait_ready("pub")) << service("pub").dump(2) << operator_log();
  auto s = service("pub");
  EXPECT_EQ(s["status"]["scoringUri"], std::string("https://") + kHost + "/score");
  EXPECT_EQ(s["status"]["swaggerUri"], std::string("https://") + kHost + "/swagger.json");

  auto ing = get_json({"ingress", "pub"});
  EXPECT_TRUE(owned_by_kiln(ing, "pub")) << ing.dump(2);
  EXPECT_EQ(ing["spec"]["ingressClassName"], "nginx");
  const auto& rule = ing["spec"]["rules"][0];
  EXPECT_EQ(rule["host"], kHost);
  EXPECT_EQ(rule["http"]["paths"][0]["path"], "/");
  EXPECT_EQ(rule["http"]["paths"][0]["pathType"], "Prefix");
  EXPECT_EQ(rule["http"]["paths"][0]["backend"]["service"]["name"], "pub");
  EXPECT_EQ(rule["http"]["paths"][0]["backend"]["service"]["port"]["name"], "https");
  EXPECT_EQ(ing["spec"]["tls"][0]["hosts"], json::array({kHost}));
  EXPECT_EQ(ing["spec"]["tls"][0]["secretName"], "public-cert");
  EXPECT_EQ(ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/backend-protocol"],
            "HTTPS");

  // Inside the cluster: 443 → kiln-serve's HTTPS port, the certificate mounted
  // as a directory (renewals reach kiln-serve without a restart).
  auto svc = get_json({"service", "pub"});
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 443);
  EXPECT_EQ(svc["spec"]["ports"][0]["name"], "https");
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], "https");
  const json pod = get_json({"deployment", "pub"})["spec"]["template"]["spec"];
  const json& c = pod["containers"][0];
  EXPECT_EQ(c["ports"][0]["name"], "https");
  EXPECT_EQ(c["ports"][0]["containerPort"], 5001);
  EXPECT_EQ(env_of(c, "KILN_TLS_CERT_FILE"), "/var/run/kiln/tls/tls.crt");
  EXPECT_EQ(env_of(c, "KILN_TLS_KEY_FILE"), "/var/run/kiln/tls/tls.key");
  for (const char* p : {"startupProbe", "readinessProbe", "livenessProbe"}) {
    EXPECT_EQ(c[p]["httpGet"]["scheme"], "HTTPS") << p;
    EXPECT_EQ(c[p]["httpGet"]["port"], "https") << p;
  }
  bool volume = false, mount = false;
  for (const auto& v : pod["volumes"]) {
    if (v["name"] == "tls") volume = v["secret"]["secretName"] == "serving-cert";
  }
  for (const auto& m : c["volumeMounts"]) {
    if (m["name"] == "tls") {
      mount = m["mountPath"] == "/var/run/kiln/tls" && !m.contains("subPath");
    }
  }
  EXPECT_TRUE(volume && mount) << pod.dump(2);

  // Exposure dropped: the Ingress goes, the URI is the Service's again.
  auto r = kubectl({"patch", "inferenceservice", "pub", "--type=json", "-p",
                    R"([{"op":"remove","path":"/spec/exposure"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(eventually([&] {
    return kubectl({"get", "ingress", "pub"}).exit_code != 0;
  })) << operator_log();
  ASSERT_TRUE(eventually([&] {
    return service("pub")["status"].value("scoringUri", "") ==
           "https://pub." + ns() + ".svc.cluster.local/score";
  })) << service("pub").dump(2);
}

TEST_F(ExposureTest, HttpRouteAttachesToTheGatewayWhenTheGatewayApiIsInstalled) {
  const std::string crds = tool("GATEWAY_API_CRDS");
  ASSERT_FALSE(crds.empty()) << "run tests/cluster/build.sh";
  // Installed once for the run, like the Kiln CRDs (left for other tests).
  auto r = kubectl({"apply", "--server-side", "--field-manager=kiln-tests", "-f", crds});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = kubectl({"wait", "--for=condition=Established", "crd/httproutes.gateway.networking.k8s.io",
               "--timeout=60s"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  ASSERT_TRUE(eventually([&] {
    return operator_log().find("HTTPRoute is served") != std::string::npos;
  })) << operator_log();
  apply_service(
      "routed",
      spec_with(
          {{"exposure",
            {{"kind", "HTTPRoute"},
             {"host", kHost},
             {"gateway", {{"name", "public"}, {"namespace", "gateways"}, {"sectionName", "https"}}},
             {"tls", {{"secretName", "scoring-example-com"}}}}}}));
  ASSERT_TRUE(wait_ready("routed")) << service("routed").dump(2) << operator_log();
  EXPECT_EQ(service("routed")["status"]["scoringUri"], std::string("https://") + kHost + "/score");
  auto route = get_json({"httproute", "routed"});
  EXPECT_TRUE(owned_by_kiln(route, "routed")) << route.dump(2);
  const auto& parent = route["spec"]["parentRefs"][0];
  EXPECT_EQ(parent["kind"], "Gateway");
  EXPECT_EQ(parent["name"], "public");
  EXPECT_EQ(parent["namespace"], "gateways");
  EXPECT_EQ(parent["sectionName"], "https");
  EXPECT_EQ(route["spec"]["hostnames"], json::array({kHost}));
  const auto& rule = route["spec"]["rules"][0];
  EXPECT_EQ(rule["matches"][0]["path"]["type"], "PathPrefix");
  EXPECT_EQ(rule["matches"][0]["path"]["value"], "/");
  EXPECT_EQ(rule["backendRefs"][0]["name"], "routed");
  EXPECT_EQ(rule["backendRefs"][0]["port"], 80);
  EXPECT_NE(kubectl({"get", "ingress", "routed"}).exit_code, 0);

  // Switched to an Ingress: the HTTPRoute goes.
  r = kubectl({"patch", "inferenceservice", "routed", "--type=json", "-p",
               R"([{"op":"remove","path":"/spec/exposure/gateway"},)"
               R"({"op":"replace","path":"/spec/exposure/kind","value":"Ingress"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(eventually([&] {
    return kubectl({"get", "httproute", "routed"}).exit_code != 0;
  })) << operator_log();
  EXPECT_TRUE(eventually([&] { return kubectl({"get", "ingress", "routed"}).exit_code == 0; }));
  ASSERT_EQ(kubectl({"delete", "inferenceservice", "routed"}).exit_code, 0);
  EXPECT_TRUE(eventually(
      [&] {
        return kubectl({"get", "ingress", "routed"}).exit_code != 0;
      },
      90s));
}

TEST_F(ExposureTest, IssuerWithoutCertManagerIsReportedAndTheServiceStillRuns) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  apply_service(
      "issued",
      spec_with(
          {{"exposure", {{"host", kHost}, {"tls", {{"issuerRef", {{"name", "letsencrypt"}}}}}}}}));
  ASSERT_TRUE(wait_reason("issued", "CertManagerNotInstalled")) << service("issued").dump(2);
  EXPECT_NE(condition(service("issued"), "Ready", "message").find("tls.secretName"),
            std::string::npos);
  // The workload runs; only the certificate is missing.
  EXPECT_TRUE(eventually([&] { return pods_ready("issued", 1); }));

  // Refused at admission, with the rule's message.
  auto refused = [&](const std::string& name, const json& exposure) {
    auto r = kubectl({"apply", "-f", "-"}, json{{"apiVersion", "kiln.dev/v1alpha1"},
                                                {"kind", "InferenceService"},
                                                {"metadata", {{"name", name}}},
                                                {"spec", spec_with({{"exposure", exposure}})}}
                                               .dump());
    EXPECT_NE(r.exit_code, 0) << name;
    return r.output;
  };
  EXPECT_NE(refused("no-gateway", {{"kind", "HTTPRoute"}, {"host", kHost}})
                .find("kind HTTPRoute needs gateway"),
            std::string::npos);
  EXPECT_NE(refused("wildcard", {{"host", "*.example.com"}}).find("fully qualified DNS name"),
            std::string::npos);
  EXPECT_NE(refused("two-certs", {{"host", kHost},
                                  {"tls", {{"secretName", "a"}, {"issuerRef", {{"name", "b"}}}}}})
                .find("set exactly one of secretName"),
            std::string::npos);
  EXPECT_TRUE(operator_->running());
}

}  // namespace
