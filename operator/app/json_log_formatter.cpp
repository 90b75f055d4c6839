#include "operator/app/json_log_formatter.hpp"

#include <spdlog/details/log_msg.h>

#include <nlohmann/json.hpp>

#include "operator/kube/api_time.hpp"

namespace kiln::app {

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto level = spdlog::level::to_string_view(msg.level);
  nlohmann::json line = {
      {"ts", kube::format_api_micro_time(msg.time)},
      {"level", std::string(level.data(), level.size())},
      {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
      {"msg", std::string(msg.payload.data(), msg.payload.size())},
  };
  // Replace invalid UTF-8 rather than throw from inside the logger.
  const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  dest.append(text.data(), text.data() + text.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace kiln::app
