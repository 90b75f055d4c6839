#include "scheduler/json_writer.hpp"

#include <nlohmann/json.hpp>

namespace kiln::scheduler {

void append_json_string(std::string& out, std::string_view text) {
  bool plain = true;
  for (unsigned char c : text) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  out += nlohmann::json(std::string(text))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kiln::scheduler
