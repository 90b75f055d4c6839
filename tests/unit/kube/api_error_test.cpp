#include "operator/kube/api_error.hpp"

#include <gtest/gtest.h>

namespace kiln::kube {
namespace {

TEST(ApiStatus, ParsesInvalidWithCauses) {
  auto s = parse_api_status(422, R"({
    "kind": "Status", "apiVersion": "v1", "status": "Failure",
    "message": "ConfigMap \"Bad_Name\" is invalid",
    "reason": "Invalid", "code": 422,
    "details": {"name": "Bad_Name", "kind": "ConfigMap", "causes": [
      {"reason": "FieldValueInvalid", "message": "Invalid value", "field": "metadata.name"}]}})");
  EXPECT_EQ(s.code, 422);
  EXPECT_EQ(s.reason, "Invalid");
  EXPECT_EQ(s.message, "ConfigMap \"Bad_Name\" is invalid");
  ASSERT_EQ(s.causes.size(), 1u);
  EXPECT_EQ(s.causes[0].reason, "FieldValueInvalid");
  EXPECT_EQ(s.causes[0].field, "metadata.name");
  EXPECT_FALSE(s.retry_after.has_value());
}

TEST(ApiStatus, RetryAfterFromHeaderOrDetails) {
  auto from_details = parse_api_status(
      429,
      R"({"kind":"Status","code":429,"reason":"TooManyRequests","details":{"retryAfterSeconds":3}})");
  ASSERT_TRUE(from_details.retry_after.has_value());
  EXPECT_EQ(from_details.retry_after->count(), 3);

  auto header_wins = parse_api_status(
      429, R"({"kind":"Status","code":429,"details":{"retryAfterSeconds":3}})", "7");
  EXPECT_EQ(header_wins.retry_after->count(), 7);
  EXPECT_EQ(header_wins.reason, "TooManyRequests");  // filled from the code

  EXPECT_FALSE(parse_api_status(429, "", "soon").retry_after.has_value());
}

TEST(ApiStatus, NonStatusBodyBecomesTheMessage) {
  auto s = parse_api_status(502, "<html>bad gateway</html>");
  EXPECT_EQ(s.code, 502);
  EXPECT_EQ(s.message, "<html>bad gateway</html>");
}

template <typename E>
void expect_thrown_as(int code, const std::string& reason) {
  ApiStatus s;
  s.code = code;
  s.reason = reason;
  try {
    throw_api_error(s);
  } catch (const E& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.reason(), reason);
    return;
  } catch (const std::exception& e) {
    ADD_FAILURE() << code << " " << reason << " was thrown as the wrong type: " << e.what();
    return;
  }
}

TEST(ApiError, EachStatusMapsToItsType) {
  expect_thrown_as<NotFoundError>(404, "NotFound");
  expect_thrown_as<AlreadyExistsError>(409, "AlreadyExists");
  expect_thrown_as<ConflictError>(409, "Conflict");
  expect_thrown_as<GoneError>(410, "Expired");
  expect_thrown_as<InvalidError>(422, "Invalid");
  expect_thrown_as<TooManyRequestsError>(429, "TooManyRequests");
  expect_thrown_as<UnauthorizedError>(401, "Unauthorized");
  expect_thrown_as<ForbiddenError>(403, "Forbidden");
  expect_thrown_as<ApiError>(500, "InternalError");
}

TEST(ApiError, AlreadyExistsIsNotAConflict) {
  ApiStatus s{409, "AlreadyExists", "exists", {}, {}};
  EXPECT_THROW(
      {
        try {
          throw_api_error(s);
        } catch (const ConflictError&) {
          FAIL() << "AlreadyExists caught as ConflictError";
        }
      },
      AlreadyExistsError);
}

TEST(ApiError, WhatNamesCodeReasonAndMessage) {
  ApiError e(ApiStatus{404, "NotFound", "configmaps \"x\" not found", {}, {}});
  EXPECT_STREQ(e.what(), "kubernetes API error 404 NotFound: configmaps \"x\" not found");
}

}  // namespace
}  // namespace kiln::kube
