#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace kiln::serve {

// JSON text exactly as Python's json.dumps writes it (", " and ": "
// separators, ensure_ascii: every non-ASCII character as a lower-case \uXXXX
// escape, surrogate pairs past U+FFFF), so kiln-serve's own answers are byte
// for byte the reference server's. Invalid UTF-8 becomes U+FFFD.
std::string python_json_string(std::string_view utf8);

// {"name": "value", ...} with string values, in the order given.
std::string python_json_object(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

}  // namespace kiln::serve
