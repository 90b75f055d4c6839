#pragma once

#include <optional>
#include <string_view>

namespace kiln::api {

// The value of a Kubernetes resource quantity ("500m", "1Gi", "2", "1e3"),
// or nullopt when `text` is not one. Precise enough to compare requests with
// limits and GPU memory sizes.
std::optional<long double> parse_quantity(std::string_view text);

}  // namespace kiln::api
