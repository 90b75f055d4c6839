// kiln-serve serving HTTPS from a mounted certificate and key
// (KILN_TLS_CERT_FILE / KILN_TLS_KEY_FILE), picking up a rotated pair without
// a restart.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/server/http_client.hpp"
#include "tests/integration/server/serve_process.hpp"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

// A self-signed certificate for 127.0.0.1 with this common name, written as
// a new file and renamed over `cert` / `key` (as a Secret volume update does).
void make_certificate(const fs::path& dir, const std::string& cn) {
  auto cert = dir / "tls.crt.new", key = dir / "tls.key.new";
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=" + cn +
                    " -addext subjectAltName=IP:127.0.0.1 -keyout " + key.string() + " -out " +
                    cert.string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  fs::copy_file(cert, dir / (cn + ".pem"), fs::copy_options::overwrite_existing);
  fs::rename(key, dir / "tls.key");
  fs::rename(cert, dir / "tls.crt");
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kiln-tls-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string https(const ServeProcess& s, const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(s.port()) + path;
  }
  // Polls GET / over HTTPS, trusting `ca`.
  bool wait_ready(ServeProcess& s, const std::string& ca) {
    for (int i = 0; i < 1200; ++i) {
      if (!s.running()) return false;
      if (http_request("GET", https(s, "/"), "", {}, 2000, ca).status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  fs::path dir_;
};

TEST_F(Tls, ServesHttpsAndPicksUpARotatedCertificate) {
  make_certificate(dir_, "first");
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", scripts_dir() + "/compat/score.py"},
                  {"KILN_TLS_CERT_FILE", (dir_ / "tls.crt").string()},
                  {"KILN_TLS_KEY_FILE", (dir_ / "tls.key").string()}},
                 "tls");
  auto first = (dir_ / "first.pem").string();
  ASSERT_TRUE(wait_ready(s, first)) << s.log();

  auto r = http_request("POST", https(s, "/score"), R"({"a": 1})",
                        {{"Content-Type", "application/json"}}, 30000, first);
  ASSERT_EQ(r.status, 200) << r.error << s.log();
  EXPECT_EQ(nlohmann::json::parse(r.body)["parsed"]["a"], 1);
  // Plain HTTP on the TLS port gets no answer.
  EXPECT_EQ(http_request("GET", s.url("/"), "", {}, 5000).status, 0);

  make_certificate(dir_, "second");
  auto second = (dir_ / "second.pem").string();
  HttpResult rotated;
  for (int i = 0; i < 100; ++i) {  // the next connection already sees the new pair
    rotated = http_request("GET", https(s, "/"), "", {}, 5000, second);
    if (rotated.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(rotated.status, 200) << rotated.error << s.log();
  EXPECT_EQ(http_request("GET", https(s, "/"), "", {}, 5000, first).status, 0)
      << "the old certificate is no longer served";
  EXPECT_NE(s.log().find("TLS certificate and key re-read"), std::string::npos) << s.log();

  // A broken update is ignored: the working pair stays.
  { std::ofstream(dir_ / "tls.crt.new") << "not a certificate"; }
  fs::rename(dir_ / "tls.crt.new", dir_ / "tls.crt");
  EXPECT_EQ(http_request("GET", https(s, "/"), "", {}, 5000, second).status, 200) << s.log();
  EXPECT_NE(s.log().find("keeping the previous ones"), std::string::npos) << s.log();
  EXPECT_EQ(s.stop(), 0) << s.log();
}

TEST_F(Tls, AMissingOrBadCertificateStopsTheServerAtStart) {
  ServeProcess s({{"AZUREML_ENTRY_SCRIPT", scripts_dir() + "/compat/score.py"},
                  {"KILN_TLS_CERT_FILE", (dir_ / "absent.crt").string()},
                  {"KILN_TLS_KEY_FILE", (dir_ / "absent.key").string()}},
                 "tls-bad");
  EXPECT_EQ(s.wait_exit(std::chrono::seconds(60)), 2) << s.log();
  EXPECT_NE(s.log().find("KILN_TLS_CERT_FILE"), std::string::npos) << s.log();
}

}  // namespace
}  // namespace kiln::testing
