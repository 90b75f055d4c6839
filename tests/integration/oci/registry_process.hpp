#pragma once

#include <memory>
#include <string>

#include "tests/support/child_process.hpp"

namespace kiln::testing {

enum class RegistryAuth {
  kNone,
  kBasic,  // htpasswd: user kRegistryUser / kRegistryPassword
  kToken,  // Bearer tokens from token_issuer.py, which checks the same user and password
};

inline constexpr const char* kRegistryUser = "kiln";
inline constexpr const char* kRegistryPassword = "kiln-secret";

// Debian's docker-registry (distribution 2.8) on a free loopback port with its
// storage in a temporary directory, optionally with htpasswd Basic auth, token
// auth (a small token issuer started beside it), and TLS with a self-signed
// CA. Everything is stopped and removed by the destructor.
class RegistryProcess {
 public:
  explicit RegistryProcess(RegistryAuth auth = RegistryAuth::kNone, bool tls = false);
  ~RegistryProcess();
  RegistryProcess(const RegistryProcess&) = delete;
  RegistryProcess& operator=(const RegistryProcess&) = delete;

  // 127.0.0.1:<port>
  const std::string& host() const { return host_; }
  bool tls() const { return tls_; }
  // The CA that signed the registry's certificate (TLS only).
  std::string ca_file() const { return dir_ + "/tls/cert.pem"; }
  const std::string& dir() const { return dir_; }
  // Writes a docker config.json with these credentials for this registry; its path.
  std::string write_docker_config(const std::string& user, const std::string& password,
                                  const std::string& name = "config.json") const;
  // The registry's log: one access-log line per request.
  std::string log() const;
  // Requests in the access log with this method whose path contains `fragment`.
  int count_requests(const std::string& method, const std::string& fragment) const;

 private:
  void wait_ready();
  std::string dir_;
  std::string host_;
  bool tls_ = false;
  std::unique_ptr<ChildProcess> token_issuer_;
  std::unique_ptr<ChildProcess> registry_;
};

// A fresh temporary directory (removed by the caller).
std::string make_temp_dir(const std::string& prefix);
// A self-signed certificate for 127.0.0.1/localhost: dir/cert.pem, dir/key.pem.
void make_self_signed_cert(const std::string& dir);

}  // namespace kiln::testing
