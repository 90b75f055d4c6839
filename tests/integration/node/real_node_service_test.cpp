// kube-proxy on the real node translates a Service's ClusterIP to its pods:
// from the host (the node's own network namespace) and from another pod.
#include <string>

#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {
namespace {

using RealNodeServiceTest = RealNodeTest;

// A fetch from inside a pod, with a timeout (the image has no curl).
std::string fetch_script(const std::string& url) {
  return "python3 -c \"import urllib.request; print(urllib.request.urlopen('" + url +
         "', timeout=5).read().decode())\"";
}

TEST_F(RealNodeServiceTest, ClusterIpAnswersFromHostAndFromAnotherPod) {
  const std::string token = "served-by-" + ns();
  apply(pod_manifest("web",
                     "mkdir -p /tmp/www && cd /tmp/www && echo " + token +
                         " > token.txt && exec python3 -m http.server 8080",
                     {{"app", "web"}}));
  apply(R"(
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
)");
  ASSERT_TRUE(wait_ready("web"));
  const auto ip = get_json({"service", "web"})["spec"].value("clusterIP", "");
  ASSERT_FALSE(ip.empty());

  // From the host: the route sends the Service range into the node's bridge and
  // kube-proxy's rules translate it (once they have synced the new endpoint).
  CommandResult r;
  EXPECT_TRUE(eventually(
      [&] {
        r = host({"curl", "-sS", "--max-time", "3", "http://" + ip + "/token.txt"});
        return r.exit_code == 0 && r.output.find(token) != std::string::npos;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500)))
      << "host -> " << ip << ": " << r.output;

  // From another pod, by the Service's environment variables (no cluster DNS).
  apply(pod_manifest("client", "exec sleep 3600"));
  ASSERT_TRUE(wait_ready("client"));
  r = exec("client", fetch_script("http://$WEB_SERVICE_HOST:$WEB_SERVICE_PORT/token.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(token), std::string::npos) << r.output;

  // And the server pod through its own Service (hairpin on the bridge).
  r = exec("web", fetch_script("http://" + ip + "/token.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(token), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kiln::testing
