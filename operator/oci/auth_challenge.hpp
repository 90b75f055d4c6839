#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::oci {

// One challenge of a WWW-Authenticate header (RFC 7235), e.g.
//   Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"
struct AuthChallenge {
  std::string scheme;                         // lower-case: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lower-case, values unquoted

  std::string param(const std::string& name) const;
};

// All challenges of a header value, in order; malformed parts are skipped.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

// The first Bearer challenge if any, else the first Basic one.
std::optional<AuthChallenge> preferred_challenge(const std::vector<AuthChallenge>& challenges);

// The token endpoint URL for a Bearer challenge: realm?service=...&scope=...
// (scope from the challenge, or `scope` when given; several scopes are
// separated by spaces and become several scope parameters).
std::string token_url(const AuthChallenge& bearer, const std::string& scope);

}  // namespace kiln::oci
