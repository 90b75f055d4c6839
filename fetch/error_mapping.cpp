#include "fetch/error_mapping.hpp"

#include "fetch/retry.hpp"
#include "operator/oci/registry_error.hpp"

namespace kiln::fetch {
namespace {

bool transient_status(long status) {
  return status == 408 || status == 429 || status >= 500;
}

[[noreturn]] void transport(Side side, const oci::TransportError& e, const std::string& what) {
  const std::string m = what + ": " + e.what();
  if (side == Side::kSource) {
    switch (e.failure()) {
      case oci::TransportFailure::kDns:
        throw TransientError(Reason::kSourceDNS,
                             m + " (the host name does not resolve: check the URI)");
      case oci::TransportFailure::kTls:
        throw FetchError(Reason::kSourceTLS,
                         m + " (the server's certificate is not trusted: give its CA in the "
                             "source's CA bundle, or fix the certificate)");
      default:
        throw TransientError(Reason::kSourceUnreachable, m);
    }
  }
  if (e.failure() == oci::TransportFailure::kTls) {
    throw FetchError(Reason::kRegistryUnreachable,
                     m + " (TLS failed: give the registry's CA with --registry-ca)");
  }
  throw TransientError(Reason::kRegistryUnreachable, m);
}

}  // namespace

void check_source_status(long status, const std::string& what, const std::string& detail) {
  if (status >= 200 && status < 300) return;
  std::string m = what + ": HTTP " + std::to_string(status) + (detail.empty() ? "" : " " + detail);
  if (status == 401 || status == 403) {
    throw FetchError(Reason::kSourceUnauthorized,
                     m + " (the source refused the credentials: check the source Secret)");
  }
  if (status == 404 || status == 410) {
    throw FetchError(Reason::kSourceNotFound, m + " (nothing at this URI: check spec.source.uri)");
  }
  if (transient_status(status)) throw TransientError(Reason::kSourceUnreachable, m);
  throw FetchError(Reason::kSourceUnreachable, m);
}

void rethrow_as_fetch_error(Side side, const std::string& what) {
  try {
    throw;
  } catch (const FetchError&) {
    throw;
  } catch (const oci::TransportError& e) {
    transport(side, e, what);
  } catch (const oci::UnauthorizedError& e) {
    throw FetchError(
        side == Side::kSource ? Reason::kSourceUnauthorized : Reason::kRegistryUnauthorized,
        what + ": " + e.what() + " (check the registry credentials Secret)");
  } catch (const oci::ForbiddenError& e) {
    throw FetchError(side == Side::kSource ? Reason::kSourceUnauthorized : Reason::kPushRefused,
                     what + ": " + e.what());
  } catch (const oci::NotFoundError& e) {
    throw FetchError(side == Side::kSource ? Reason::kSourceNotFound : Reason::kPushRefused,
                     what + ": " + e.what());
  } catch (const oci::DigestMismatchError& e) {
    throw FetchError(side == Side::kSource ? Reason::kDigestMismatch : Reason::kPushRefused,
                     what + ": " + e.what());
  } catch (const oci::RegistryError& e) {
    const Reason unreachable =
        side == Side::kSource ? Reason::kSourceUnreachable : Reason::kRegistryUnreachable;
    if (e.status() == 0 || transient_status(e.status())) {
      throw TransientError(unreachable, what + ": " + e.what());
    }
    throw FetchError(side == Side::kSource ? Reason::kSourceUnreachable : Reason::kPushRefused,
                     what + ": " + e.what());
  } catch (const std::exception& e) {
    throw FetchError(
        side == Side::kSource ? Reason::kSourceUnreachable : Reason::kRegistryUnreachable,
        what + ": " + e.what());
  }
}

}  // namespace kiln::fetch
