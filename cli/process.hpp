#pragma once

// Child processes for kiln's subcommands (pip, kiln-serve, image builders):
// argv without a shell, extra environment variables on top of kiln's own,
// standard streams inherited.

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiln::cli {

using Environment = std::map<std::string, std::string>;

// Starts argv[0] (looked up on PATH); throws std::runtime_error when it cannot.
pid_t spawn(const std::vector<std::string>& argv, const Environment& extra = {});

// Waits for `pid`; its exit code, or 128 + signal.
int wait_exit(pid_t pid);

// spawn + wait_exit.
int run(const std::vector<std::string>& argv, const Environment& extra = {});

// The first executable called `name` on PATH.
std::optional<std::string> find_on_path(const std::string& name);

// This program's own path (/proc/self/exe).
std::string self_path();

}  // namespace kiln::cli
