#pragma once

#include <string>
#include <string_view>

namespace kiln::scheduler {

// Appends `text` as a JSON string literal (quoted, escaped; invalid UTF-8
// replaced), the building block of the verbs' hand-written replies: building
// an nlohmann tree of thousands of small objects only to print it costs more
// than the whole decision.
void append_json_string(std::string& out, std::string_view text);

}  // namespace kiln::scheduler
