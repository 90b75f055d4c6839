#include "cli/cluster_connection.hpp"

#include <cstdlib>

#include "cli/exit_codes.hpp"
#include "operator/kube/kubeconfig.hpp"

namespace kiln::cli {

void add_cluster_flags(CLI::App& c, ClusterFlags& f) {
  c.add_option("--kubeconfig", f.kubeconfig,
               "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)")
      ->group("Cluster");
  c.add_option("--context", f.context, "kubeconfig context")->group("Cluster");
  c.add_option("-n,--namespace", f.namespace_, "namespace (default: the context's)")
      ->group("Cluster");
}

Connection connect(const ClusterFlags& f) {
  kube::ClientConfig config;
  try {
    if (f.kubeconfig.empty() && f.context.empty()) {
      config = kube::default_config();
    } else {
      std::string path = f.kubeconfig;
      if (path.empty()) {
        const char* env = std::getenv("KUBECONFIG");
        const char* home = std::getenv("HOME");
        path = env && *env ? std::string(env).substr(0, std::string(env).find(':'))
                           : std::string(home ? home : "") + "/.kube/config";
      }
      config = kube::load_kubeconfig(path, f.context);
    }
  } catch (const std::exception& e) {
    throw CommandError(kExitUnavailable, std::string("kubeconfig: ") + e.what());
  }
  config.user_agent = "kiln-cli/0.1";
  Connection c;
  c.namespace_ = f.namespace_.empty() ? config.default_namespace : f.namespace_;
  c.client = std::make_shared<kube::RestClient>(std::move(config));
  return c;
}

}  // namespace kiln::cli
