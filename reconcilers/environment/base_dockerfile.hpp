#pragma once

// baseDockerfile is used as the first stage(s) of the rendered Dockerfile: its
// last FROM gets a stage name (or keeps the one it has), and Kiln's stage
// starts FROM that name.

#include <string>

namespace kiln::reconcilers::environment {

struct BaseStage {
  std::string dockerfile;  // the user's text, its last FROM named; ends with a newline
  std::string stage_name;  // what Kiln's stage builds FROM
  std::string error;       // empty on success
};

inline constexpr const char* kBaseStageName = "kiln-base";

BaseStage name_last_stage(const std::string& base_dockerfile);

}  // namespace kiln::reconcilers::environment
