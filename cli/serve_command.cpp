#include "cli/serve_command.hpp"

#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/environment_file.hpp"
#include "cli/exit_codes.hpp"
#include "cli/local_environment.hpp"
#include "cli/process.hpp"
#include "crds/environment.hpp"

namespace kiln::cli {
namespace {

namespace fs = std::filesystem;
volatile sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

struct ServeFlags {
  std::string model, model_name, entry_script, source_dir, environment, host = "127.0.0.1";
  std::string python = "/usr/bin/python3", cache_dir, kiln_serve;
  int model_version = 1, port = 5001, workers = 1;
};

std::string cache_root(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* c = std::getenv("KILN_CACHE")) return std::string(c) + "/serve-envs";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.cache/kiln/serve-envs";
}

unsigned short free_port(const std::string& host) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(host == "0.0.0.0" ? INADDR_ANY : INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    throw CommandError(kExitUnavailable, "--port 0: no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

long http_status(const std::string& url) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 1000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  long code = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);
  return code;
}

std::string python_version(const std::string& python) {
  const std::string out = fs::temp_directory_path() / ("kiln-pyver-" + std::to_string(getpid()));
  const int rc =
      run({"sh", "-c", "\"$0\" -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])' > \"$1\"",
           python, out});
  std::ifstream in(out);
  std::string version;
  std::getline(in, version);
  fs::remove(out);
  if (rc != 0 || version.empty()) {
    throw CommandError(kExitUnavailable, "--python " + python + ": cannot run it");
  }
  return version;
}

// The cached virtualenv for `env`, made when missing. A virtualenv is ready
// only once its marker is written, so an interrupted install is redone.
std::string ensure_virtualenv(const LocalEnvironment& env, const ServeFlags& f,
                              const std::string& version) {
  const fs::path dir =
      fs::path(cache_root(f.cache_dir)) / virtualenv_key(env, f.python + "@" + version);
  const fs::path marker = dir / ".kiln-ready";
  std::string packages;
  for (const auto& p : env.pip) packages += (packages.empty() ? "" : " ") + p;
  if (fs::exists(marker)) {
    std::cerr << "kiln serve: reusing the cached virtualenv " << dir.string() << " (" << packages
              << ")\n";
    return dir.string();
  }
  std::cerr << "kiln serve: creating the virtualenv " << dir.string() << " (" << packages << ")\n";
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  if (run({f.python, "-m", "venv", dir.string()}) != 0) {
    throw CommandError(kExitUnavailable, "cannot create a virtualenv with " + f.python +
                                             " (Debian: apt-get install python3-venv)");
  }
  std::vector<std::string> pip = {(dir / "bin/python").string(), "-m",     "pip", "install",
                                  "--disable-pip-version-check", "--quiet"};
  if (env.index_url) {
    pip.push_back("--index-url");
    pip.push_back(*env.index_url);
  }
  pip.insert(pip.end(), env.pip.begin(), env.pip.end());
  if (run(pip) != 0) {
    fs::remove_all(dir);
    throw CommandError(kExitUnavailable, "pip could not install the Environment's packages (" +
                                             packages + "); see pip's message above");
  }
  std::ofstream(marker) << packages << "\n";
  return dir.string();
}

int serve(const ServeFlags& f) {
  auto require = [](const std::string& path, const char* flag) {
    if (!fs::exists(path))
      throw CommandError(kExitInvalidInput, std::string(flag) + " " + path + ": does not exist");
  };
  require(f.model, "--model");
  require(f.entry_script, "--entry-script");
  if (!f.source_dir.empty()) require(f.source_dir, "--source-dir");
  const std::string kiln_serve = find_kiln_serve(f.kiln_serve);

  Environment env;
  if (!f.environment.empty()) {
    require(f.environment, "--environment");
    const std::string version = python_version(f.python);
    auto local = local_environment(read_environment_file(f.environment), version);
    for (const auto& w : local.warnings) std::cerr << "kiln serve: warning: " << w << "\n";
    for (const auto& [k, v] : local.env) env[k] = v;
    if (!local.pip.empty()) env["VIRTUAL_ENV"] = ensure_virtualenv(local, f, version);
  }

  if (f.environment.empty()) {
    const char* venv = std::getenv("VIRTUAL_ENV");
    std::cerr << "kiln serve: no --environment: the script sees "
              << (venv && *venv ? std::string("the packages of $VIRTUAL_ENV (") + venv + ")"
                                : std::string("the packages of ") + f.python)
              << "\n";
  }
  // Azure ML's layout: <app root>/azureml-models/<name>/<version>/<the model file or folder>.
  const fs::path model = fs::absolute(f.model);
  const std::string name = f.model_name.empty() ? model.stem().string() : f.model_name;
  char pattern[] = "/tmp/kiln-serve-XXXXXX";
  const fs::path app_root = mkdtemp(pattern);
  const fs::path version_dir = app_root / "azureml-models" / name / std::to_string(f.model_version);
  fs::create_directories(version_dir);
  fs::create_symlink(model, version_dir / model.filename());

  const fs::path script = fs::absolute(f.entry_script);
  const fs::path source = f.source_dir.empty() ? script.parent_path() : fs::absolute(f.source_dir);
  const int port = f.port == 0 ? free_port(f.host) : f.port;
  env["AML_APP_ROOT"] = app_root.string();
  env["AZUREML_ENTRY_SCRIPT"] = script.string();
  env["AZUREML_SOURCE_DIRECTORY"] = source.string();
  env["AZUREML_MODEL_DIR"] = version_dir.string();
  env["SERVER_PORT"] = std::to_string(port);
  env["KILN_HOST"] = f.host;
  env["WORKER_COUNT"] = std::to_string(f.workers);

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  const pid_t pid = spawn({kiln_serve}, env);
  const std::string base = "http://" + (f.host == "0.0.0.0" ? std::string("127.0.0.1") : f.host) +
                           ":" + std::to_string(port);
  bool ready = false;
  int status = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!g_stop) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    if (!ready && http_status(base + "/") == 200) {
      ready = true;
      std::cout
          << "kiln serve: " << name << " v" << f.model_version << " with " << script.string()
          << "\n"
          << "Scoring URL: " << base << "/score\n"
          << "Try it:\n"
          << "  curl -H 'Content-Type: application/json' -d '{\"data\": [[1,2,3,4,5,6,7,8,9,10]]}' "
          << base << "/score\n"
          << "Ctrl-C stops it.\n"
          << std::flush;
    }
    if (!ready && std::chrono::steady_clock::now() > deadline) {
      std::cerr << "kiln serve: kiln-serve did not answer on " << base << " within 5 minutes\n";
      g_stop = 1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(ready ? 200 : 100));
  }
  int code = kExitOk;
  if (!exited) {
    kill(pid, SIGTERM);
    code = wait_exit(pid);
    std::cerr << "kiln serve: stopped\n";
    code = (code == 0 || code == 128 + SIGTERM) && ready ? kExitOk : kExitUnavailable;
  } else {
    std::cerr << "kiln serve: kiln-serve exited ("
              << (WIFEXITED(status) ? "code " + std::to_string(WEXITSTATUS(status))
                                    : "signal " + std::to_string(WTERMSIG(status)))
              << "); its messages are above\n";
    code = kExitInvalidInput;
  }
  std::error_code ec;
  fs::remove_all(app_root, ec);
  return code;
}

}  // namespace

std::string find_kiln_serve(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* e = std::getenv("KILN_SERVE_BIN")) return e;
  const fs::path self = self_path();
  for (const auto& candidate : {self.parent_path() / "kiln-serve",
                                self.parent_path().parent_path() / "server" / "kiln-serve"}) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  if (auto p = find_on_path("kiln-serve")) return *p;
  throw CommandError(kExitUnavailable,
                     "kiln-serve not found: pass --kiln-serve PATH or set KILN_SERVE_BIN");
}

void add_serve_command(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ServeFlags>();
  auto* c = app.add_subcommand(
      "serve", "Run a model locally the way the cluster would (Azure ML LocalWebservice)");
  c->add_option("--model", f->model, "the model file or directory")->required();
  c->add_option("--model-name", f->model_name, "its name (default: the file name without suffix)");
  c->add_option("--model-version", f->model_version, "its version in AZUREML_MODEL_DIR")
      ->capture_default_str();
  c->add_option("--entry-script,--script", f->entry_script, "the entry script (score.py)")
      ->required();
  c->add_option("--source-dir", f->source_dir, "its source directory (default: the script's)");
  c->add_option("--environment,-e", f->environment,
                "an Environment file: its pip packages go into a cached virtualenv first");
  c->add_option("--port,-p", f->port, "port (0: a free one)")->capture_default_str();
  c->add_option("--host", f->host, "address to listen on")->capture_default_str();
  c->add_option("--workers", f->workers, "kiln-serve workers")->capture_default_str();
  c->add_option("--python", f->python, "the Python kiln-serve embeds (makes the virtualenv)")
      ->capture_default_str();
  c->add_option("--cache-dir", f->cache_dir,
                "where virtualenvs are cached (default $KILN_CACHE/serve-envs or "
                "~/.cache/kiln/serve-envs)");
  c->add_option("--kiln-serve", f->kiln_serve,
                "the kiln-serve binary (default: found next to kiln)");
  c->footer(R"(The model is mounted as Azure ML lays it out (AZUREML_MODEL_DIR =
.../azureml-models/NAME/VERSION); the same Environment reuses its virtualenv.

Example:
  kiln serve --model sklearn_regression_model.pkl --entry-script score.py -e environment.yaml
  curl -H 'Content-Type: application/json' -d '{"data": [[1,2,3,4,5,6,7,8,9,10]]}' \
      http://127.0.0.1:5001/score)");
  c->callback([f, &exit_code] { exit_code = serve(*f); });
}

}  // namespace kiln::cli
