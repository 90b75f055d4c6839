#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/oci/registry_process.hpp"
#include "tests/support/child_process.hpp"

namespace kiln::testing {

// One run of the kiln-fetch binary: its exit code, the JSON line it left in
// its result file, and its stdout+stderr.
struct FetchRun {
  int exit_code = -1;
  nlohmann::json result;
  std::string output;
  std::string reason() const { return result.value("reason", ""); }
};

FetchRun run_kiln_fetch(std::vector<std::string> args, const std::string& scratch_dir);

// source_server.py: files of `root` over HTTPS with a self-signed certificate
// (cert_file() is its CA), or plain HTTP; optionally requiring a header.
class SourceServer {
 public:
  SourceServer(const std::string& root, bool tls, const std::string& required_header = "");
  ~SourceServer();
  std::string url(const std::string& path) const;
  std::string cert_file() const { return dir_ + "/cert.pem"; }

 private:
  std::string dir_;
  std::string base_;
  std::unique_ptr<ChildProcess> process_;
};

// versitygw (S3-compatible) with its posix backend on `root` (each directory a
// bucket). available() is false when tests/cluster/build.sh has not built it.
class S3Server {
 public:
  static constexpr const char* kAccessKey = "kiln-access";
  static constexpr const char* kSecretKey = "kiln-secret-key";
  explicit S3Server(const std::string& root);
  ~S3Server();
  bool available() const { return process_ != nullptr; }
  std::string endpoint() const { return endpoint_; }
  std::string log() const { return process_ ? process_->log() : ""; }

 private:
  std::string endpoint_;
  std::string log_dir_;
  std::unique_ptr<ChildProcess> process_;
};

// Writes `size` pseudo-random bytes (seeded) to `path`.
void write_random_file(const std::string& path, std::size_t size, unsigned seed);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);
std::string sha256_of_file(const std::string& path);

}  // namespace kiln::testing
