#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace kiln::manager {

// A random id for one reconcile (a UUID v4, as controller-runtime's
// reconcileID), so every line one reconcile logs can be found together.
std::string new_reconcile_id();

// The log of one reconcile: every line carries the controller, the object
// and the reconcile id, after the message:
//   ConfigMap applied  controller=widget object=ns/w reconcileID=5f0c...
class ReconcileLogger {
 public:
  ReconcileLogger(const std::string& controller, const std::string& object_key,
                  const std::string& reconcile_id);

  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::debug, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::info, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::warn, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) const {
    log(spdlog::level::err, fmt::format(format, std::forward<Args>(args)...));
  }

  void log(spdlog::level::level_enum level, const std::string& message) const;
  // "controller=widget object=ns/w reconcileID=..."
  const std::string& fields() const { return fields_; }

 private:
  std::string fields_;
};

}  // namespace kiln::manager
