// The manager in this process against the real control plane: the ways it
// must fail clearly (a CRD not installed, a cache that cannot sync), an
// informer asked for after start, and the periodic resync.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "operator/kube/kubeconfig.hpp"
#include "operator/manager/manager.hpp"
#include "tests/integration/manager/sample_operator_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET http://127.0.0.1:port/path: the body, whatever the status.
std::string http_body(unsigned short port, const std::string& path) {
  std::string body;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return body;
}

class ManagerClusterTest : public SampleOperatorTest {
 protected:
  manager::ManagerOptions options() const {
    manager::ManagerOptions o;
    o.probes.address = "127.0.0.1";
    o.probes.port = 0;
    o.watch_namespace = ns();
    return o;
  }
  // A client that authenticates as a fresh service account with no roles.
  std::shared_ptr<kube::RestClient> unprivileged_client() {
    const kube::ResourceRef sas{"", "v1", "serviceaccounts", "ServiceAccount", true};
    client_->create(
        sas, {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "nobody"}}}},
        ns());
    json req = {{"apiVersion", "authentication.k8s.io/v1"},
                {"kind", "TokenRequest"},
                {"spec", {{"expirationSeconds", 3600}}}};
    auto resp = client_->call(
        {"POST", sas.path(ns(), "nobody", "token"), {}, req.dump(), "application/json"});
    auto config = kube::load_kubeconfig(cluster().var("KUBECONFIG"));
    config.client_cert_pem.clear();
    config.client_key_pem.clear();
    config.token = resp["status"]["token"];
    return kube::make_client(config);
  }
};

TEST_F(ManagerClusterTest, AWatchedCrdThatIsNotInstalledFailsAtOnceNamingIt) {
  const kube::ResourceRef gadgets{"test.kiln.dev", "v1", "gadgets", "Gadget", true};
  manager::Manager mgr(client_, options());
  mgr.controller("gadget").for_resource(gadgets).complete(
      [](const manager::Request&, manager::ReconcileContext&) {
        return runtime::ReconcileResult::done();
      });
  std::stop_source stop;
  auto exit = std::async(std::launch::async, [&] { return mgr.run(stop.get_token()); });
  ASSERT_EQ(exit.wait_for(seconds(20)), std::future_status::ready) << "run() did not give up";
  EXPECT_EQ(exit.get(), manager::Manager::Exit::failed);
  EXPECT_NE(mgr.failure().find("kubectl get crd gadgets.test.kiln.dev"), std::string::npos)
      << mgr.failure();
}

TEST_F(ManagerClusterTest, ACacheThatCannotSyncFailsTheManagerNamingItAndWhy) {
  auto o = options();
  o.cache_sync_timeout = seconds(4);
  manager::Manager mgr(unprivileged_client(), o);
  mgr.controller("cm")
      .for_resource(kube::resources::config_maps())
      .complete([](const manager::Request&, manager::ReconcileContext&) {
        return runtime::ReconcileResult::done();
      });
  std::stop_source stop;
  auto exit = std::async(std::launch::async, [&] { return mgr.run(stop.get_token()); });
  // Meanwhile /readyz says which informer and why.
  std::string readyz;
  ASSERT_TRUE(eventually(
      [&] {
        if (mgr.probe_port() == 0) return false;
        readyz = http_body(mgr.probe_port(), "/readyz?verbose");
        return readyz.find("forbidden") != std::string::npos;
      },
      seconds(10)))
      << readyz;
  EXPECT_NE(readyz.find("v1/configmaps not synced"), std::string::npos) << readyz;
  ASSERT_EQ(exit.wait_for(seconds(30)), std::future_status::ready) << "run() did not give up";
  stop.request_stop();
  EXPECT_EQ(exit.get(), manager::Manager::Exit::failed);
  EXPECT_NE(mgr.failure().find("v1/configmaps not synced after 4 s"), std::string::npos)
      << mgr.failure();
  EXPECT_NE(mgr.failure().find("forbidden"), std::string::npos) << mgr.failure();
}

TEST_F(ManagerClusterTest, AnInformerAskedForAfterStartStartsAndSyncs) {
  kube::ListOptions none;
  client_->create(kube::resources::config_maps(),
                  {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "late"}}}},
                  ns());
  manager::Manager mgr(client_, options());
  std::stop_source stop;
  auto exit = std::async(std::launch::async, [&] { return mgr.run(stop.get_token()); });
  ASSERT_TRUE(eventually([&] { return mgr.probe_port() != 0; }, seconds(10)));
  // Several threads ask at once, for the same and for other resources.
  std::vector<std::thread> askers;
  std::atomic<int> synced{0};
  for (int i = 0; i < 4; ++i) {
    askers.emplace_back([&, i] {
      auto& informer =
          mgr.informer(i % 2 ? kube::resources::config_maps() : kube::resources::secrets());
      if (informer.wait_for_sync(std::chrono::seconds(20))) ++synced;
    });
  }
  for (auto& t : askers) t.join();
  EXPECT_EQ(synced.load(), 4);
  EXPECT_TRUE(mgr.informer(kube::resources::config_maps()).cache().get(ns(), "late"));
  stop.request_stop();
  EXPECT_EQ(exit.get(), manager::Manager::Exit::stopped);
}

TEST_F(ManagerClusterTest, ResyncReconcilesEveryObjectAgainWhileIdle) {
  for (const char* name : {"a", "b", "c"}) {
    client_->create(kube::resources::config_maps(),
                    {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}},
                    ns());
  }
  auto o = options();
  o.sync_period = seconds(2);
  manager::Manager mgr(client_, o);
  std::mutex mu;
  std::map<std::string, int> reconciles;
  mgr.controller("cm")
      .for_resource(kube::resources::config_maps())
      .complete([&](const manager::Request& r, manager::ReconcileContext&) {
        std::lock_guard lock(mu);
        ++reconciles[r.name];
        return runtime::ReconcileResult::done();
      });
  std::stop_source stop;
  auto exit = std::async(std::launch::async, [&] { return mgr.run(stop.get_token()); });
  // No event after the initial list, yet each object comes round again.
  EXPECT_TRUE(eventually(
      [&] {
        std::lock_guard lock(mu);
        return reconciles["a"] >= 3 && reconciles["b"] >= 3 && reconciles["c"] >= 3;
      },
      seconds(20)));
  stop.request_stop();
  EXPECT_EQ(exit.get(), manager::Manager::Exit::stopped);
}

}  // namespace
}  // namespace kiln::testing
