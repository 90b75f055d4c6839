#pragma once

#include <exception>
#include <string>

#include "fetch/fetch_error.hpp"
#include "operator/oci/http.hpp"

namespace kiln::fetch {

// Which side of kiln-fetch a failure is on: the model's source (its server,
// or the registry an oci:// source lives in) or Kiln's registry.
enum class Side { kSource, kRegistry };

// Throws the FetchError (or TransientError, to be retried) for an HTTP
// status from a source. 2xx does nothing.
void check_source_status(long status, const std::string& what, const std::string& detail = "");

// Rethrows the exception in flight as a FetchError/TransientError for `side`:
// oci::TransportError, oci::RegistryError subclasses and FetchError (as is).
// Anything else becomes a non-transient error of the side's unreachable kind.
[[noreturn]] void rethrow_as_fetch_error(Side side, const std::string& what);

}  // namespace kiln::fetch
