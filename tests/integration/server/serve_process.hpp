#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>

namespace kiln::testing {

// A real kiln-serve process on a free loopback port, with the environment of
// this test plus `env`. Its output goes to a log file the test can read.
class ServeProcess {
 public:
  explicit ServeProcess(std::map<std::string, std::string> env, std::string name = "serve");
  ~ServeProcess();  // SIGKILL if still running
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Polls GET / until it answers 200; false if the process exits or time runs out.
  bool wait_ready(std::chrono::seconds limit = std::chrono::seconds(120));
  // SIGTERM, then waits; returns the exit status (128+signal if killed).
  int stop(std::chrono::seconds limit = std::chrono::seconds(60));
  // Waits for the process to exit by itself; -1 on time-out.
  int wait_exit(std::chrono::seconds limit);
  void signal(int sig);
  bool running();

  std::string url(const std::string& path) const;
  int port() const { return port_; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = -1;
  std::string log_path_;
};

// The directory holding the test scripts (source tree) and the prepared
// fixtures (build tree), from the environment ctest sets.
std::string scripts_dir();
std::string fixtures_dir();

int free_port();

}  // namespace kiln::testing
