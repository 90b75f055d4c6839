#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace kiln::oci {

class InvalidReference : public std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// A parsed image reference: `host[:port]/path[:tag][@sha256:<hex>]`. The host
// is always explicit (no implicit docker.io): Kiln talks to the registries it
// is told about. Parsing is pure; parse() throws InvalidReference naming what
// is wrong.
struct ImageReference {
  std::string registry;    // host[:port]
  std::string repository;  // path, e.g. models/ns/name
  std::string tag;         // may be empty
  std::string digest;      // "sha256:<hex>" or empty

  static ImageReference parse(std::string_view text);

  // The digest when there is one, else the tag, else "latest".
  std::string reference() const;
  // registry/repository[:tag][@digest]
  std::string to_string() const;
  // registry/repository
  std::string name() const { return registry + "/" + repository; }
  // registry/repository@digest (digest must be set)
  std::string pinned(std::string_view digest) const;
};

bool is_valid_tag(std::string_view tag);
bool is_valid_repository(std::string_view repository);
// A registry is addressed over plain http only when it is on this machine.
bool is_loopback_registry(std::string_view registry);

}  // namespace kiln::oci
