#include "server/extra_requirements.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace kiln::serve {

bool install_extra_requirements(ServeConfig& config) {
  if (config.extra_requirements.empty()) return true;
  namespace fs = std::filesystem;
  if (config.extra_packages_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/kiln-serve-packages-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) {
      spdlog::critical("cannot create a directory for the extra requirements: {}", strerror(errno));
      return false;
    }
    config.extra_packages_dir = buf.data();
  }
  std::error_code ec;
  fs::create_directories(config.extra_packages_dir, ec);

  std::string python = config.python_executable.empty() ? "python3" : config.python_executable;
  std::vector<std::string> argv = {python,
                                   "-m",
                                   "pip",
                                   "install",
                                   "--disable-pip-version-check",
                                   "--no-input",
                                   "--upgrade",
                                   "--target",
                                   config.extra_packages_dir,
                                   "-r",
                                   config.extra_requirements};
  std::string line_for_log;
  for (auto& a : argv) line_for_log += (line_for_log.empty() ? "" : " ") + a;
  spdlog::info("installing extra requirements: {}", line_for_log);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  // Relative paths inside the requirements file (-r, --find-links, ./pkg)
  // are relative to its directory.
  std::string dir = fs::path(config.extra_requirements).parent_path().string();
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = 0;
  rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    spdlog::critical("cannot start {}: {}", python, strerror(rc));
    return false;
  }
  std::string pending;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      spdlog::info("pip: {}", pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty()) spdlog::info("pip: {}", pending);
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    spdlog::critical("pip install -r {} failed (status {})", config.extra_requirements, status);
    return false;
  }
  spdlog::info("extra requirements installed into {}", config.extra_packages_dir);
  return true;
}

}  // namespace kiln::serve
