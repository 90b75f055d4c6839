#pragma once

// Spelling values inside a Dockerfile so that the builder reads back exactly
// the value given: ENV values, exec-form arrays, shell words.

#include <optional>
#include <string>
#include <vector>

namespace kiln::reconcilers::environment {

// `"value"` for ENV: backslash, double quote and `$` escaped. nullopt when the
// value cannot be written on one Dockerfile line (a newline or carriage return).
std::optional<std::string> env_value(const std::string& value);

// ["a", "b"]: the JSON array of the exec form (CMD, ENTRYPOINT).
std::string exec_form(const std::vector<std::string>& words);

// 'word' for /bin/sh, with embedded single quotes closed and reopened.
std::string shell_quote(const std::string& word);

// A requirements.txt: one requirement per line, in the order given.
std::string lines(const std::vector<std::string>& items);

}  // namespace kiln::reconcilers::environment
