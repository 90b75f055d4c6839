#include "reconcilers/environment/build_failure.hpp"

#include <initializer_list>
#include <string_view>

namespace kiln::reconcilers::environment {
namespace {

// Plain substring matching (no std::regex: GCC 12's <regex> trips
// -Wmaybe-uninitialized under the sanitizers).
bool has(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

bool has_any(const std::string& text, std::initializer_list<std::string_view> needles) {
  for (auto n : needles) {
    if (has(text, n)) return true;
  }
  return false;
}

// The line that contains `needle`, from it to the line's end.
std::string rest_of_line(const std::string& text, std::string_view needle) {
  auto at = text.find(needle);
  if (at == std::string::npos) return "";
  at += needle.size();
  auto end = text.find_first_of(" \t\r\n", at);
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

bool refused(const std::string& text) {
  return has_any(text, {"UNAUTHORIZED", "DENIED", "401", "403"});
}

}  // namespace

BuildFailure classify_build_failure(const std::string& job_reason, const std::string& log_tail) {
  // The most specific messages first.
  if (has_any(log_tail, {"ships for CPython", "kiln: this base image has glibc",
                         "kiln: this base image has no GNU C"})) {
    return {"UnsupportedBaseImage",
            "the base image's Python or C library is outside what kiln-serve supports (see the "
            "log)"};
  }
  if (has_any(log_tail,
              {"kiln: the base image has no python3", "cannot create a virtual environment",
               "kiln: condaDependencies need conda"})) {
    return {"BaseImageLacksPython",
            "the base image lacks what the environment needs (see the log)"};
  }
  if (has(log_tail, "No matching distribution found for ")) {
    return {"PackageNotFound",
            "pip package " + rest_of_line(log_tail, "No matching distribution found for ") +
                ": not in the package index, or not in that version: fix python.pip / "
                "condaDependencies.pip, or the index (pipIndexUrl)"};
  }
  if (has_any(log_tail, {"PackagesNotFoundError", "ResolvePackageNotFound"})) {
    return {"PackageNotFound",
            "a conda package is not in the configured channels: fix condaDependencies"};
  }
  if (has(log_tail, "error checking push permissions") ||
      (has(log_tail, "pushing image") && refused(log_tail))) {
    return {"RegistryAuthRefused",
            "the registry refused the push credentials: check the operator's push Secret"};
  }
  if (has(log_tail, "manifest unknown") ||
      (has(log_tail, "retrieving image") &&
       has_any(log_tail, {"MANIFEST_UNKNOWN", "NAME_UNKNOWN", "not found", "404"}))) {
    return {"BaseImageNotFound",
            "the base image does not exist (or is not visible with these credentials): check "
            "baseImage and baseImageRegistry"};
  }
  if (has(log_tail, "retrieving image") && refused(log_tail)) {
    return {"BaseImagePullRefused",
            "the base image's registry refused the pull: check baseImageRegistry.secretRef"};
  }
  if (job_reason == "DeadlineExceeded") {
    return {"BuildTimedOut",
            "the build ran longer than build.timeoutSeconds; raise it or trim the environment"};
  }
  return {"BuildFailed", "the build failed; the last lines of its log are in status.buildLogTail"};
}

std::string log_tail(const std::string& log, std::size_t max_lines, std::size_t max_bytes) {
  std::string text = log;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  // Walk back over at most max_lines line starts, staying within max_bytes.
  std::size_t start = text.size();
  for (std::size_t lines = 0; lines < max_lines && start > 0; ++lines) {
    std::size_t before =
        start == text.size() ? start : start - 1;  // skip the '\n' ending the previous line
    auto newline = before == 0 ? std::string::npos : text.rfind('\n', before - 1);
    std::size_t line_start = newline == std::string::npos ? 0 : newline + 1;
    if (text.size() - line_start > max_bytes) break;
    start = line_start;
  }
  if (start == text.size()) return text.substr(text.size() - std::min(text.size(), max_bytes));
  return text.substr(start);
}

}  // namespace kiln::reconcilers::environment
