// spec.exposure and spec.tls: the URLs status reports, what a cluster without
// the Gateway API or cert-manager reports, and the checks the controller
// repeats from the CRD (exposure.host, gateway only with HTTPRoute, tls).
#include "reconcilers/inference_service/exposure.hpp"

#include <gtest/gtest.h>

#include "reconcilers/inference_service/status.hpp"
#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;
using namespace kiln::testing::isvc;

const json kIngress = {{"host", "svc.scoring.example.com"}};

TEST(Exposure, ScoringUriUsesTheServiceDnsNameWithoutExposure) {
  ServingOptions options;
  EXPECT_EQ(base_url(make_service({}), options), "http://svc.ns1.svc.cluster.local");
  EXPECT_EQ(base_url(make_service({{"tls", {{"secretName", "c"}}}}), options),
            "https://svc.ns1.svc.cluster.local");
}

TEST(Exposure, ScoringUriUsesTheExposedHostHttpsOnlyWithTls) {
  ServingOptions options;
  EXPECT_EQ(base_url(make_service({{"exposure", kIngress}}), options),
            "http://svc.scoring.example.com");
  json with_tls = kIngress;
  with_tls["tls"] = {{"secretName", "cert"}};
  EXPECT_EQ(base_url(make_service({{"exposure", with_tls}}), options),
            "https://svc.scoring.example.com");
}

TEST(Exposure, IngressTlsNamesTheUsersSecretOrTheCertificatesOne) {
  json own = kIngress;
  own["tls"] = {{"secretName", "my-cert"}};
  auto service = make_service({{"exposure", own}});
  const json ing = ingress(service, owner_of(service));
  EXPECT_EQ(ing["spec"]["tls"][0]["secretName"], "my-cert");
  EXPECT_EQ(ing["spec"]["tls"][0]["hosts"][0], "svc.scoring.example.com");
  EXPECT_TRUE(exposure_certificate(service, owner_of(service)).is_null());

  json issued = kIngress;
  issued["tls"] = {{"issuerRef", {{"name", "letsencrypt"}}}};
  service = make_service({{"exposure", issued}});
  const json cert = exposure_certificate(service, owner_of(service));
  EXPECT_EQ(cert["spec"]["secretName"], "svc-exposure-tls");
  EXPECT_EQ(cert["spec"]["issuerRef"]["kind"], "Issuer");  // the CRD's default
  EXPECT_EQ(ingress(service, owner_of(service))["spec"]["tls"][0]["secretName"],
            "svc-exposure-tls");
}

TEST(Exposure, NoRouteOfTheOtherKind) {
  auto service = make_service({{"exposure", kIngress}});
  EXPECT_TRUE(http_route(service, owner_of(service)).is_null());
  json route = kIngress;
  route["kind"] = "HTTPRoute";
  route["gateway"] = {{"name", "gw"}};
  service = make_service({{"exposure", route}});
  EXPECT_TRUE(ingress(service, owner_of(service)).is_null());
  EXPECT_EQ(http_route(service, owner_of(service))["spec"]["parentRefs"][0]["name"], "gw");
  EXPECT_FALSE(
      http_route(service, owner_of(service))["spec"]["parentRefs"][0].contains("namespace"));
}

TEST(Exposure, InClusterTlsMountsTheCertificateAndProbesHttps) {
  ServingOptions options;
  options.cert_manager = true;
  auto service = make_service({{"tls", {{"issuerRef", {{"name", "ca"}}}}}});
  const auto models = ModelsByName{{"diabetes", make_model("diabetes", 1)}};
  const std::optional<api::Environment> env = ready_environment();
  const FreshKeys fresh{"p", "s"};
  const json none = nullptr;
  const std::optional<std::string> no_hash;
  auto d = desired_state({service, models, env, no_hash, none, fresh, options});
  json deployment, svc, cert;
  for (const auto& o : d.apply) {
    if (o["kind"] == "Deployment") deployment = o;
    if (o["kind"] == "Service") svc = o;
    if (o["kind"] == "Certificate") cert = o;
  }
  const json& c = deployment["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["ports"][0]["name"], "https");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["scheme"], "HTTPS");
  EXPECT_EQ(c["startupProbe"]["httpGet"]["scheme"], "HTTPS");
  bool cert_env = false;
  for (const auto& e : c["env"]) {
    if (e["name"] == "KILN_TLS_CERT_FILE") cert_env = e["value"] == "/var/run/kiln/tls/tls.crt";
  }
  EXPECT_TRUE(cert_env);
  bool mounted = false;
  for (const auto& v : deployment["spec"]["template"]["spec"]["volumes"]) {
    if (v["name"] == "tls") mounted = v["secret"]["secretName"] == "svc-serving-tls";
  }
  EXPECT_TRUE(mounted);
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 443);
  EXPECT_EQ(cert["spec"]["dnsNames"],
            json({"svc", "svc.ns1", "svc.ns1.svc", "svc.ns1.svc.cluster.local"}));
}

TEST(Exposure, MissingGatewayApiOrCertManagerIsReportedOnReady) {
  ServingOptions bare;
  json route = kIngress;
  route["kind"] = "HTTPRoute";
  route["gateway"] = {{"name", "gw"}};
  auto problem = exposure_problem(make_service({{"exposure", route}}), bare);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->reason, "GatewayAPINotInstalled");
  problem = exposure_problem(make_service({{"tls", {{"issuerRef", {{"name", "ca"}}}}}}), bare);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->reason, "CertManagerNotInstalled");
  EXPECT_FALSE(exposure_problem(make_service({{"tls", {{"secretName", "c"}}}}), bare));

  // Without the Gateway API nothing is applied or removed for HTTPRoutes and
  // the workload still runs; Ready says why.
  auto service = make_service({{"exposure", route}});
  const auto models = ModelsByName{{"diabetes", make_model("diabetes", 1)}};
  const std::optional<api::Environment> env = ready_environment();
  const FreshKeys fresh{"p", "s"};
  const json none = nullptr;
  const std::optional<std::string> no_hash;
  auto d = desired_state({service, models, env, no_hash, none, fresh, bare});
  EXPECT_TRUE(d.workload_applied);
  for (const auto& o : d.apply) EXPECT_NE(o["kind"], "HTTPRoute");
  for (const auto& r : d.remove) EXPECT_NE(r.kind, "HTTPRoute");
  json workload;
  for (const auto& o : d.apply) {
    if (o["kind"] == "Deployment") workload = observed_deployment(o, 1, true);
  }
  auto status = compute_status({service, d, workload, {}, bare, fixed_now()});
  const json ready = condition_in(status.conditions, "Ready");
  EXPECT_EQ(ready["status"], "False");
  EXPECT_EQ(ready["reason"], "GatewayAPINotInstalled");
}

TEST(Exposure, ValidationRepeatsTheCrdRules) {
  auto service =
      make_service({{"exposure", {{"host", "Not A Host"}, {"gateway", {{"name", "gw"}}}}},
                    {"tls", {{"secretName", "a"}, {"issuerRef", {{"name", "b"}}}}}});
  const std::string errors = api::to_string(api::validate(service));
  EXPECT_NE(errors.find("spec.exposure.host"), std::string::npos) << errors;
  EXPECT_NE(errors.find("spec.exposure.gateway: applies only to kind HTTPRoute"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("spec.tls: set exactly one of secretName and issuerRef"), std::string::npos)
      << errors;
  service = make_service({{"exposure", {{"kind", "HTTPRoute"}, {"host", "a.example.com"}}}});
  EXPECT_NE(api::to_string(api::validate(service)).find("needs the Gateway"), std::string::npos);
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
