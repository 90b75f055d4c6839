#include "operator/manager/reconcile_logger.hpp"

#include <cstdio>
#include <random>

namespace kiln::manager {

std::string new_reconcile_id() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const std::uint64_t hi = rng(), lo = rng();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0x0fff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

ReconcileLogger::ReconcileLogger(const std::string& controller, const std::string& object_key,
                                 const std::string& reconcile_id)
    : fields_("controller=" + controller + " object=" + object_key +
              " reconcileID=" + reconcile_id) {}

void ReconcileLogger::log(spdlog::level::level_enum level, const std::string& message) const {
  spdlog::log(level, "{}  {}", message, fields_);
}

}  // namespace kiln::manager
