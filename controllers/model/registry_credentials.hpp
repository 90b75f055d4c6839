#pragma once

// The operator's push credentials for Kiln's registry (--registry-secret,
// --registry-ca) and their copy in a Model's namespace, which the
// registration Job mounts.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "operator/kube/rest_client.hpp"
#include "operator/oci/registry_client.hpp"

namespace kiln::controllers::model {

struct RegistryCredentials {
  std::optional<std::string> docker_config_json;  // the .dockerconfigjson text
  std::optional<std::string> ca_pem;
  bool empty() const { return !docker_config_json && !ca_pem; }
};

// Reads the kubernetes.io/dockerconfigjson Secret `secret_ref` ("namespace/name",
// may be empty) and the PEM file `ca_file` (may be empty). Throws
// std::runtime_error saying what is missing or malformed.
RegistryCredentials load_registry_credentials(kube::RestClient& client,
                                              const std::string& secret_ref,
                                              const std::string& ca_file);

// The options of the operator's own registry client (tagging).
oci::RegistryOptions registry_options(const std::string& registry, bool plain_http,
                                      const RegistryCredentials& credentials,
                                      const std::string& ca_file);

// The Secret `name` in `ns` holding `.dockerconfigjson` and/or `ca.crt`.
nlohmann::json desired_registry_secret(const std::string& ns, const std::string& name,
                                       const RegistryCredentials& credentials);

}  // namespace kiln::controllers::model
