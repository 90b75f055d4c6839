#include "controllers/model/registry_credentials.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "operator/kube/api_error.hpp"
#include "operator/oci/docker_config.hpp"

namespace kiln::controllers::model {

using nlohmann::json;

RegistryCredentials load_registry_credentials(kube::RestClient& client,
                                              const std::string& secret_ref,
                                              const std::string& ca_file) {
  RegistryCredentials out;
  if (!secret_ref.empty()) {
    const auto slash = secret_ref.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == secret_ref.size()) {
      throw std::runtime_error("--registry-secret must be NAMESPACE/NAME, got \"" + secret_ref +
                               "\"");
    }
    const auto ns = secret_ref.substr(0, slash), name = secret_ref.substr(slash + 1);
    json secret;
    try {
      secret = client.get(kube::resources::secrets(), ns, name);
    } catch (const kube::NotFoundError&) {
      throw std::runtime_error("--registry-secret: Secret " + secret_ref +
                               " not found; create it with kubectl create secret docker-registry");
    }
    const auto encoded = secret.value("/data/.dockerconfigjson"_json_pointer, std::string());
    if (encoded.empty()) {
      throw std::runtime_error(
          "--registry-secret: Secret " + secret_ref +
          " has no .dockerconfigjson key (type kubernetes.io/dockerconfigjson)");
    }
    out.docker_config_json = oci::base64_decode(encoded);
    oci::DockerConfig::parse(*out.docker_config_json);  // fail early on a malformed one
  }
  if (!ca_file.empty()) {
    std::ifstream in(ca_file);
    if (!in) throw std::runtime_error("--registry-ca: cannot read " + ca_file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    out.ca_pem = buffer.str();
    if (out.ca_pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      throw std::runtime_error("--registry-ca: " + ca_file + " holds no PEM certificate");
    }
  }
  return out;
}

oci::RegistryOptions registry_options(const std::string& registry, bool plain_http,
                                      const RegistryCredentials& credentials,
                                      const std::string& ca_file) {
  oci::RegistryOptions options;
  options.registry = registry;
  options.plain_http = plain_http;
  options.tls.ca_file = ca_file;
  if (credentials.docker_config_json) {
    options.credentials = oci::DockerConfig::parse(*credentials.docker_config_json).find(registry);
  }
  return options;
}

json desired_registry_secret(const std::string& ns, const std::string& name,
                             const RegistryCredentials& credentials) {
  json data = json::object();
  if (credentials.docker_config_json) {
    data[".dockerconfigjson"] = oci::base64_encode(*credentials.docker_config_json);
  }
  if (credentials.ca_pem) data["ca.crt"] = oci::base64_encode(*credentials.ca_pem);
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"type", "Opaque"},
          {"metadata",
           {{"name", name},
            {"namespace", ns},
            {"labels",
             {{"app.kubernetes.io/managed-by", "kiln"},
              {"app.kubernetes.io/component", "registry-credentials"}}}}},
          {"data", data}};
}

}  // namespace kiln::controllers::model
