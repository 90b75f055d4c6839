#pragma once

// How the cluster subcommands (status, keys, model register) reach the API
// server: --kubeconfig / --context, else $KUBECONFIG or ~/.kube/config, as
// kubectl does; operator/kube's client.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "operator/kube/rest_client.hpp"

namespace kiln::cli {

struct ClusterFlags {
  std::string kubeconfig;
  std::string context;
  std::string namespace_;  // default: the kubeconfig context's namespace
};

void add_cluster_flags(CLI::App& command, ClusterFlags& flags);

struct Connection {
  std::shared_ptr<kube::RestClient> client;
  std::string namespace_;
};

// Throws CommandError (exit 3) when the kubeconfig cannot be loaded.
Connection connect(const ClusterFlags& flags);

// Runs `body`, turning API errors into CommandErrors: 404 → exit 1 naming
// `what`, others → exit 3.
template <typename F>
auto with_api_errors(const std::string& what, F&& body) -> decltype(body());

}  // namespace kiln::cli

#include "cli/cluster_connection_impl.hpp"
