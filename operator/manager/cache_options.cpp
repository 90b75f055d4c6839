#include "operator/manager/cache_options.hpp"

namespace kiln::manager {

void keep_metadata_only(nlohmann::json& object) {
  if (!object.is_object()) return;
  for (auto it = object.begin(); it != object.end();) {
    const auto& k = it.key();
    if (k == "apiVersion" || k == "kind" || k == "metadata") {
      ++it;
    } else {
      it = object.erase(it);
    }
  }
}

}  // namespace kiln::manager
