#pragma once

#include "cli/exit_codes.hpp"
#include "operator/kube/api_error.hpp"

namespace kiln::cli {

template <typename F>
auto with_api_errors(const std::string& what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const kube::NotFoundError&) {
    throw CommandError(kExitInvalidInput, what + " not found");
  } catch (const CommandError&) {
    throw;
  } catch (const std::exception& e) {
    throw CommandError(kExitUnavailable, what + ": " + e.what());
  }
}

}  // namespace kiln::cli
