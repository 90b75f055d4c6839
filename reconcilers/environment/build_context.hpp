#pragma once

// A rendered build context: the Dockerfile and every file it copies, by path
// relative to the context root. Ordered by path, so serialising it is
// deterministic to the byte.

#include <map>
#include <string>

namespace kiln::reconcilers::environment {

inline constexpr const char* kDockerfile = "Dockerfile";

struct BuildContext {
  std::map<std::string, std::string> files;  // path -> content; "Dockerfile" among them

  const std::string& dockerfile() const { return files.at(kDockerfile); }
  bool operator==(const BuildContext&) const = default;
};

// A context, or why none can be rendered (a message a user can act on).
struct RenderResult {
  BuildContext context;
  std::string error;  // empty on success
  bool ok() const { return error.empty(); }
};

}  // namespace kiln::reconcilers::environment
