#include "tests/integration/oci/registry_process.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "operator/oci/docker_config.hpp"
#include "operator/oci/http.hpp"
#include "tests/support/command.hpp"

namespace kiln::testing {
namespace fs = std::filesystem;

namespace {

// bcrypt (cost 4) of kRegistryPassword: docker-registry's htpasswd only takes bcrypt.
constexpr const char* kHtpasswdLine =
    "kiln:$2b$04$4UzEJNbWjAwjJuApKERh7uwM9ZdikSRm/LZEydfFdoN/WJNyFalty\n";

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

void make_self_signed_cert(const std::string& dir) {
  fs::create_directories(dir);
  auto r = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.output);
}

RegistryProcess::RegistryProcess(RegistryAuth auth, bool tls) : tls_(tls) {
  dir_ = make_temp_dir("kiln-registry");
  const unsigned short port = free_port();
  host_ = "127.0.0.1:" + std::to_string(port);
  std::ostringstream config;
  config << "version: 0.1\n"
         << "log:\n  level: info\n  formatter: text\n"
         << "storage:\n  filesystem:\n    rootdirectory: " << dir_ << "/data\n"
         << "  delete:\n    enabled: true\n"
         << "http:\n  addr: " << host_ << "\n  secret: kiln-test-secret\n";
  if (tls) {
    make_self_signed_cert(dir_ + "/tls");
    config << "  tls:\n    certificate: " << dir_ << "/tls/cert.pem\n    key: " << dir_
           << "/tls/key.pem\n";
  }
  if (auth == RegistryAuth::kBasic) {
    write_file(dir_ + "/htpasswd", kHtpasswdLine);
    config << "auth:\n  htpasswd:\n    realm: kiln-test\n    path: " << dir_ << "/htpasswd\n";
  } else if (auth == RegistryAuth::kToken) {
    make_self_signed_cert(dir_ + "/token");
    const unsigned short token_port = free_port();
    token_issuer_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", KILN_OCI_TEST_DIR "/token_issuer.py", "--port",
                                 std::to_string(token_port), "--key", dir_ + "/token/key.pem",
                                 "--cert", dir_ + "/token/cert.pem", "--issuer", "kiln-test-issuer",
                                 "--service", "kiln-test-registry", "--user", kRegistryUser,
                                 "--password", kRegistryPassword},
        dir_ + "/token_issuer.log");
    config << "auth:\n  token:\n    realm: http://127.0.0.1:" << token_port << "/token\n"
           << "    service: kiln-test-registry\n    issuer: kiln-test-issuer\n"
           << "    rootcertbundle: " << dir_ << "/token/cert.pem\n";
  }
  write_file(dir_ + "/config.yml", config.str());
  registry_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/bin/docker-registry", "serve", dir_ + "/config.yml"},
      dir_ + "/registry.log");
  wait_ready();
}

RegistryProcess::~RegistryProcess() {
  registry_.reset();
  token_issuer_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void RegistryProcess::wait_ready() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  oci::TlsOptions tls;
  tls.ca_file = tls_ ? ca_file() : "";
  for (;;) {
    bool up = false;
    try {
      oci::HttpRequest req;
      req.url = std::string(tls_ ? "https://" : "http://") + host_ + "/v2/";
      up = oci::perform(req, tls).status > 0;
    } catch (const oci::TransportError&) {
    }
    if (up) {
      if (!token_issuer_) return;
      // The token issuer must be up too.
      try {
        if (token_issuer_->running()) {
          std::string log;
          std::ifstream in(token_issuer_->log_path());
          std::stringstream s;
          s << in.rdbuf();
          if (s.str().find("listening") != std::string::npos) return;
        }
      } catch (...) {
      }
    }
    if (!registry_->running()) throw std::runtime_error("docker-registry exited: " + log());
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("docker-registry did not start: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string RegistryProcess::write_docker_config(const std::string& user,
                                                 const std::string& password,
                                                 const std::string& name) const {
  std::string path = dir_ + "/" + name;
  write_file(path, "{\"auths\":{\"" + host_ + "\":{\"auth\":\"" +
                       oci::base64_encode(user + ":" + password) + "\"}}}");
  return path;
}

std::string RegistryProcess::log() const {
  return registry_ ? registry_->log() : "";
}

int RegistryProcess::count_requests(const std::string& method, const std::string& fragment) const {
  // Access-log lines: 127.0.0.1 - - [date] "PUT /v2/... HTTP/1.1" 201 ...
  std::istringstream in(log());
  std::string line;
  int n = 0;
  const std::string needle = "\"" + method + " ";
  while (std::getline(in, line)) {
    auto at = line.find(needle);
    if (at == std::string::npos) continue;
    auto end = line.find(' ', at + needle.size());
    std::string path = line.substr(at + needle.size(), end - at - needle.size());
    if (path.find(fragment) != std::string::npos) ++n;
  }
  return n;
}

}  // namespace kiln::testing
