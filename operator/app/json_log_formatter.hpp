#pragma once

// spdlog output as one JSON object per line (--log-json):
// {"ts":"2026-11-21T21:00:00.123Z","level":"info","logger":"kiln","msg":"..."}

#include <spdlog/formatter.h>

#include <memory>

namespace kiln::app {

class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace kiln::app
