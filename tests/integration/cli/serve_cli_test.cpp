// `kiln serve` on the seeds' diabetes model and score.py: the seeds' request
// is answered with model.predict's numbers; the Environment's pip packages go
// into a virtualenv that a second start reuses; Ctrl-C (SIGINT) stops it
// cleanly. Packages come from the local wheel index tests/cluster/node/pypi.sh
// makes (no network at test time once it is cached).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/command.hpp"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const char* kRequest = R"({"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]})";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServeCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::path(KILN_TEST_WORK_DIR) / "serve-cli";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string python = std::string(KILN_VENV) + "/bin/python";
    auto trained =
        run_command({python, std::string(KILN_SOURCE_DIR) + "/server/examples/diabetes/train.py",
                     (dir_ / "model").string()});
    ASSERT_EQ(trained.exit_code, 0) << trained.output;
    auto predicted =
        run_command({python, "-c",
                     "import joblib, json, sys; m = joblib.load(sys.argv[1]); "
                     "print(json.dumps(m.predict(json.loads(sys.argv[2])['data']).tolist()))",
                     (dir_ / "model/sklearn_regression_model.pkl").string(), kRequest});
    ASSERT_EQ(predicted.exit_code, 0) << predicted.output;
    expected_ = json::parse(predicted.output);
    auto index = run_command(
        {"sh", "-c",
         std::string(KILN_SOURCE_DIR) + "/tests/cluster/node/pypi.sh build 2>/dev/null"});
    ASSERT_EQ(index.exit_code, 0) << index.output;
    std::string index_dir = index.output.substr(0, index.output.find('\n'));
    std::ofstream(dir_ / "environment.yaml")
        << "apiVersion: kiln.dev/v1alpha1\nkind: Environment\nmetadata:\n  name: sklearn\n"
           "spec:\n  python:\n    pip: [\"scikit-learn==1.9.1\"]\n    pipIndexUrl: file://"
        << index_dir << "/simple\n";
  }

  // Starts kiln serve; waits for its scoring URL. Returns the URL ("" on failure).
  std::string start(const std::string& name) {
    out_ = dir_ / (name + ".out");
    err_ = dir_ / (name + ".err");
    const std::string command = "exec " + std::string(KILN_CLI) + " serve --model " +
                                (dir_ / "model/sklearn_regression_model.pkl").string() +
                                " --entry-script " + KILN_SOURCE_DIR +
                                "/server/examples/diabetes/score.py -e " +
                                (dir_ / "environment.yaml").string() + " --port 0 --cache-dir " +
                                (dir_ / "venvs").string() + " --kiln-serve " + KILN_SERVE_BIN +
                                " >" + out_.string() + " 2>" + err_.string();
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + 300s;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string out = slurp(out_);
      const auto at = out.find("Scoring URL: ");
      if (at != std::string::npos) {
        return out.substr(at + 13, out.find('\n', at) - at - 13);
      }
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return "";
      }
      std::this_thread::sleep_for(200ms);
    }
    return "";
  }

  // SIGINT (Ctrl-C) and the exit code.
  int interrupt() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGINT);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  json score(const std::string& url) {
    auto r =
        run_command({"curl", "-s", "-H", "Content-Type: application/json", "-d", kRequest, url});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return json::parse(r.output, nullptr, false);
  }

  static inline fs::path dir_;
  static inline json expected_;
  fs::path out_, err_;
  pid_t pid_ = -1;
};

TEST_F(ServeCliTest, AnswersWithModelPredictAndReusesTheVirtualenv) {
  const auto first_start = std::chrono::steady_clock::now();
  const std::string url = start("first");
  ASSERT_FALSE(url.empty()) << slurp(err_);
  const auto first_ready = std::chrono::steady_clock::now() - first_start;
  EXPECT_NE(slurp(err_).find("creating the virtualenv"), std::string::npos) << slurp(err_);
  EXPECT_EQ(score(url), expected_);
  EXPECT_NE(slurp(out_).find("curl -H 'Content-Type: application/json'"), std::string::npos);
  EXPECT_EQ(interrupt(), 0) << slurp(err_);
  EXPECT_NE(slurp(err_).find("kiln serve: stopped"), std::string::npos);
  fs::path marker;
  for (const auto& e : fs::directory_iterator(dir_ / "venvs")) marker = e.path() / ".kiln-ready";
  ASSERT_TRUE(fs::exists(marker));
  const auto made = fs::last_write_time(marker);

  const auto second_start = std::chrono::steady_clock::now();
  const std::string again = start("second");
  ASSERT_FALSE(again.empty()) << slurp(err_);
  const auto second_ready = std::chrono::steady_clock::now() - second_start;
  EXPECT_NE(slurp(err_).find("reusing the cached virtualenv " + marker.parent_path().string()),
            std::string::npos)
      << slurp(err_);
  EXPECT_EQ(fs::last_write_time(marker), made);
  EXPECT_EQ(score(again), expected_);
  EXPECT_EQ(interrupt(), 0);
  std::cout << "first start (virtualenv made) ready after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(first_ready).count()
            << " ms, second (reused) after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(second_ready).count()
            << " ms\n";
}

TEST_F(ServeCliTest, MissingModelExitsOneNamingTheFlag) {
  auto r = run_command({KILN_CLI, "serve", "--model", "/nonexistent/model.pkl", "--entry-script",
                        std::string(KILN_SOURCE_DIR) + "/server/examples/diabetes/score.py"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--model /nonexistent/model.pkl: does not exist"), std::string::npos)
      << r.output;
}

TEST_F(ServeCliTest, ScriptThatFailsExitsOne) {
  std::ofstream(dir_ / "broken.py")
      << "def init():\n    raise RuntimeError('boom')\n\ndef run(x):\n    return x\n";
  auto r =
      run_command({KILN_CLI, "serve", "--model",
                   (dir_ / "model/sklearn_regression_model.pkl").string(), "--entry-script",
                   (dir_ / "broken.py").string(), "--port", "0", "--kiln-serve", KILN_SERVE_BIN});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("kiln-serve exited"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kiln::testing
