#include "operator/oci/registry_error.hpp"

#include <gtest/gtest.h>

namespace kiln::oci {
namespace {

// Which status a caller may treat as "the credentials were refused" (no use
// retrying with them): 401 and 403, nothing else.
bool refused(long status) {
  try {
    throw_registry_error(status, R"({"errors":[{"code":"DENIED","message":"no"}]})", "push");
  } catch (const CredentialsRefusedError&) {
    return true;
  } catch (const RegistryError&) {
    return false;
  }
  return false;
}

TEST(RegistryError, OnlyUnauthorizedAndForbiddenAreCredentialsRefused) {
  EXPECT_TRUE(refused(401));
  EXPECT_TRUE(refused(403));
  EXPECT_FALSE(refused(404));
  EXPECT_FALSE(refused(400));
  EXPECT_FALSE(refused(503));
  EXPECT_THROW(throw_registry_error(401, "", "push"), UnauthorizedError);
  EXPECT_THROW(throw_registry_error(403, "", "push"), ForbiddenError);
}

}  // namespace
}  // namespace kiln::oci
