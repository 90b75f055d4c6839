#include "reconcilers/environment/build_failure.hpp"

#include <array>
#include <regex>

namespace kiln::reconcilers::environment {
namespace {

struct Rule {
  const char* pattern;  // ECMAScript, searched in the log tail
  const char* reason;
  const char* advice;
};

// First match wins: the most specific messages first.
constexpr std::array kRules = {
    Rule{
        R"(kiln: .*ships for CPython|kiln: this base image has glibc|kiln: this base image has no GNU C)",
        "UnsupportedBaseImage",
        "the base image's Python or C library is outside what kiln-serve supports (see the log)"},
    Rule{
        R"(kiln: the base image has no python3|kiln: .*cannot create a virtual environment|kiln: condaDependencies need conda)",
        "BaseImageLacksPython", "the base image lacks what the environment needs (see the log)"},
    Rule{R"(No matching distribution found for ([^\s]+))", "PackageNotFound",
         "a pip package does not exist in the package index, or not in that version: fix "
         "python.pip / condaDependencies.pip, or the index (pipIndexUrl)"},
    Rule{R"(PackagesNotFoundError|ResolvePackageNotFound)", "PackageNotFound",
         "a conda package is not in the configured channels: fix condaDependencies"},
    Rule{R"(error checking push permissions|pushing image.*(UNAUTHORIZED|DENIED|401|403))",
         "RegistryAuthRefused",
         "the registry refused the push credentials: check the operator's push Secret"},
    Rule{R"(retrieving image.*(MANIFEST_UNKNOWN|NAME_UNKNOWN|not found|404)|manifest unknown)",
         "BaseImageNotFound",
         "the base image does not exist (or is not visible with these credentials): check "
         "baseImage and baseImageRegistry"},
    Rule{R"(retrieving image.*(UNAUTHORIZED|DENIED|401|403))", "BaseImagePullRefused",
         "the base image's registry refused the pull: check baseImageRegistry.secretRef"},
};

}  // namespace

BuildFailure classify_build_failure(const std::string& job_reason, const std::string& log_tail) {
  for (const auto& rule : kRules) {
    std::smatch match;
    if (std::regex_search(log_tail, match, std::regex(rule.pattern))) {
      std::string message = rule.advice;
      if (std::string(rule.reason) == "PackageNotFound" && match.size() > 1 && match[1].matched) {
        message = "pip package " + match[1].str() + ": " + message;
      }
      return {rule.reason, message};
    }
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
