#include "cli/commands.hpp"

#include "cli/cluster_commands.hpp"
#include "cli/completion_command.hpp"
#include "cli/import_command.hpp"
#include "cli/model_command.hpp"
#include "cli/package_command.hpp"
#include "cli/render_command.hpp"
#include "cli/serve_command.hpp"

namespace kiln::cli {

void add_all_commands(CLI::App& app, int& exit_code) {
  add_render_command(app, exit_code);
  add_import_command(app, exit_code);
  add_serve_command(app, exit_code);
  add_package_command(app, exit_code);
  add_status_command(app, exit_code);
  add_keys_command(app, exit_code);
  add_model_command(app, exit_code);
  add_completion_command(app, exit_code);
}

}  // namespace kiln::cli
