#include "tests/integration/fetch/fetch_fixture.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "operator/oci/digest.hpp"
#include "operator/oci/http.hpp"
#include "tests/support/command.hpp"

namespace kiln::testing {
namespace fs = std::filesystem;

namespace {

void wait_for_http(const std::string& url, const std::string& ca, ChildProcess& p) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  oci::TlsOptions tls;
  tls.ca_file = ca;
  for (;;) {
    try {
      oci::HttpRequest req;
      req.method = "HEAD";
      req.url = url;
      if (oci::perform(req, tls).status > 0) return;
    } catch (const oci::TransportError&) {
    }
    if (!p.running()) throw std::runtime_error("server exited: " + p.log());
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("server did not start: " + p.log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

FetchRun run_kiln_fetch(std::vector<std::string> args, const std::string& scratch_dir) {
  const std::string result_file = scratch_dir + "/result.json";
  fs::remove(result_file);
  std::vector<std::string> argv{KILN_FETCH_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--result-file");
  argv.push_back(result_file);
  auto r = run_command(argv);
  FetchRun run;
  run.exit_code = r.exit_code;
  run.output = r.output;
  std::string line = fs::exists(result_file) ? read_file(result_file) : "";
  run.result = nlohmann::json::parse(line, nullptr, false);
  if (run.result.is_discarded()) run.result = nlohmann::json::object();
  return run;
}

SourceServer::SourceServer(const std::string& root, bool tls, const std::string& header) {
  dir_ = make_temp_dir("kiln-source");
  const unsigned short port = free_port();
  std::vector<std::string> argv{"/usr/bin/python3", KILN_FETCH_TEST_DIR "/source_server.py",
                                "--port",           std::to_string(port),
                                "--root",           root};
  if (tls) {
    make_self_signed_cert(dir_);
    argv.insert(argv.end(), {"--cert", dir_ + "/cert.pem", "--key", dir_ + "/key.pem"});
  }
  if (!header.empty()) argv.insert(argv.end(), {"--header", header});
  base_ = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
  process_ = std::make_unique<ChildProcess>(argv, dir_ + "/server.log");
  wait_for_http(base_ + "/", tls ? cert_file() : "", *process_);
}

SourceServer::~SourceServer() {
  process_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string SourceServer::url(const std::string& path) const {
  return base_ + path;
}

S3Server::S3Server(const std::string& root) {
  auto r = run_command({KILN_SOURCE_DIR "/tests/cluster/build.sh", "--print"});
  std::string binary;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("VERSITYGW=")) binary = line.substr(10);
  }
  if (binary.empty() || !fs::exists(binary)) return;
  log_dir_ = make_temp_dir("kiln-s3");
  const unsigned short port = free_port();
  endpoint_ = "http://127.0.0.1:" + std::to_string(port);
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary, "--access", kAccessKey, "--secret", kSecretKey, "--port",
                               "127.0.0.1:" + std::to_string(port), "posix", "--nometa", root},
      log_dir_ + "/versitygw.log");
  wait_for_http(endpoint_ + "/", "", *process_);
}

S3Server::~S3Server() {
  process_.reset();
  std::error_code ec;
  if (!log_dir_.empty()) fs::remove_all(log_dir_, ec);
}

void write_random_file(const std::string& path, std::size_t size, unsigned seed) {
  fs::create_directories(fs::path(path).parent_path());
  std::mt19937_64 rng(seed);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::vector<std::uint64_t> buf(8192);
  while (size > 0) {
    for (auto& w : buf) w = rng();
    std::size_t n = std::min(size, buf.size() * sizeof(std::uint64_t));
    out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(n));
    size -= n;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string sha256_of_file(const std::string& path) {
  // An independent implementation: coreutils.
  auto r = run_command({"sha256sum", path});
  return r.output.substr(0, 64);
}

}  // namespace kiln::testing
