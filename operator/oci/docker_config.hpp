#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kiln::oci {

// A user name and password (or an identity token) for one registry.
struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // OAuth2 refresh token, sent as the password to token servers

  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

class InvalidDockerConfig : public std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The credentials of a docker config.json, the `.dockerconfigjson` key of a
// kubernetes.io/dockerconfigjson Secret (also the older .dockercfg layout
// without "auths"). Keys are normalised to host[:port] ("https://r.io/v1/"
// -> "r.io"). Parsing is pure; bad JSON or a bad "auth" value throws
// InvalidDockerConfig naming the entry.
class DockerConfig {
 public:
  static DockerConfig parse(std::string_view json);
  static DockerConfig load(const std::string& path);  // reads then parse()

  // The credentials for host[:port], if any.
  std::optional<Credentials> find(std::string_view registry) const;
  const std::map<std::string, Credentials>& entries() const { return entries_; }

 private:
  std::map<std::string, Credentials> entries_;
};

// "https://host:port/v2/" -> "host:port"
std::string normalize_registry_key(std::string_view key);

std::string base64_encode(std::string_view data);
// Throws std::invalid_argument on malformed input.
std::string base64_decode(std::string_view data);

}  // namespace kiln::oci
