#include "cli/environment_file.hpp"

#include "cli/exit_codes.hpp"
#include "cli/input_documents.hpp"

namespace kiln::cli {

api::EnvironmentSpec read_environment_file(const std::string& path) {
  for (const auto& doc : read_documents({path})) {
    if (doc.object.value("kind", "") != api::kEnvironmentKind) continue;
    api::Environment e;
    try {
      e = doc.object.get<api::Environment>();
    } catch (const std::exception& ex) {
      throw CommandError(kExitInvalidInput, doc.origin + ": " + ex.what());
    }
    api::apply_defaults(e);
    if (auto errors = api::validate(e); !errors.empty()) {
      throw CommandError(kExitInvalidInput, doc.origin + ": " + api::to_string(errors));
    }
    return e.spec;
  }
  throw CommandError(kExitInvalidInput, path + ": no Environment (kind: Environment) in it");
}

}  // namespace kiln::cli
