#include "fetch/fetch_error.hpp"

namespace kiln::fetch {

const char* reason_name(Reason r) {
  switch (r) {
    case Reason::kInvalidArguments:
      return "InvalidArguments";
    case Reason::kSourceUnauthorized:
      return "SourceUnauthorized";
    case Reason::kSourceNotFound:
      return "SourceNotFound";
    case Reason::kSourceDNS:
      return "SourceDNS";
    case Reason::kSourceTLS:
      return "SourceTLS";
    case Reason::kSourceUnreachable:
      return "SourceUnreachable";
    case Reason::kDigestMismatch:
      return "DigestMismatch";
    case Reason::kRegistryUnauthorized:
      return "RegistryUnauthorized";
    case Reason::kRegistryUnreachable:
      return "RegistryUnreachable";
    case Reason::kPushRefused:
      return "PushRefused";
  }
  return "Unknown";
}

int exit_code(Reason r) {
  switch (r) {
    case Reason::kInvalidArguments:
      return 2;
    case Reason::kSourceUnauthorized:
    case Reason::kSourceNotFound:
    case Reason::kSourceDNS:
    case Reason::kSourceTLS:
    case Reason::kSourceUnreachable:
    case Reason::kDigestMismatch:
      return 3;
    case Reason::kRegistryUnauthorized:
    case Reason::kRegistryUnreachable:
    case Reason::kPushRefused:
      return 4;
  }
  return 1;
}

}  // namespace kiln::fetch
