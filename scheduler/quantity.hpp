#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kiln::scheduler {

// A whole-number Kubernetes quantity as device plugins advertise them ("4",
// "7", "2k"); nullopt for anything else (fractions, garbage, negatives).
std::optional<std::int64_t> parse_count(std::string_view text);

// GPU memory in MB from an annotation such as "16000", "16Gi", "16G",
// "16000Mi" or "16000M"; nullopt when unparsable.
std::optional<std::int64_t> parse_memory_mb(std::string_view text);

}  // namespace kiln::scheduler
