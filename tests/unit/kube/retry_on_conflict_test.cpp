#include "operator/kube/retry_on_conflict.hpp"

#include <gtest/gtest.h>

#include "operator/kube/api_error.hpp"

namespace kiln::kube {
namespace {

ConflictError conflict() {
  return ConflictError(ApiStatus{409, "Conflict", "stale", {}, {}});
}

TEST(RetryOnConflict, RetriesConflictsUntilTheWriteLands) {
  int calls = 0;
  int conflicts = retry_on_conflict([&] {
    if (++calls < 3) throw conflict();
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(conflicts, 2);
}

TEST(RetryOnConflict, GivesUpAfterTheLastAttempt) {
  int calls = 0;
  ConflictRetry retry;
  retry.attempts = 4;
  EXPECT_THROW(retry_on_conflict([&] { ++calls, throw conflict(); }, retry), ConflictError);
  EXPECT_EQ(calls, 4);
}

TEST(RetryOnConflict, OtherErrorsAreNotRetried) {
  int calls = 0;
  EXPECT_THROW(retry_on_conflict([&] {
                 ++calls;
                 throw NotFoundError(ApiStatus{404, "NotFound", "gone", {}, {}});
               }),
               NotFoundError);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace kiln::kube
