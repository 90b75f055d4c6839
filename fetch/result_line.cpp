#include "fetch/result_line.hpp"

#include <nlohmann/json.hpp>

namespace kiln::fetch {

std::string success_line(const RegisterResult& r) {
  nlohmann::ordered_json j = {{"digest", r.digest},
                              {"contentSha256", r.content_sha256},
                              {"sizeBytes", r.size_bytes},
                              {"image", r.image}};
  return j.dump();
}

std::string failure_line(Reason reason, const std::string& message) {
  std::string m = message;
  for (;;) {
    nlohmann::ordered_json j = {{"reason", reason_name(reason)}, {"message", m}};
    // Replace rather than throw on invalid UTF-8 (a server's error body).
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (line.size() < kMaxResultBytes) return line;
    std::size_t keep = m.size() > 1024 ? m.size() - (line.size() - kMaxResultBytes) - 64 : 0;
    m = m.substr(0, std::min(keep, m.size() / 2)) + "...";
  }
}

}  // namespace kiln::fetch
