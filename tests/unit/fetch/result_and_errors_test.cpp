#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fetch/error_mapping.hpp"
#include "fetch/result_line.hpp"
#include "fetch/retry.hpp"
#include "operator/oci/registry_error.hpp"

namespace kiln::fetch {
namespace {

TEST(ResultLine, SuccessMatchesTheContract) {
  RegisterResult r{"sha256:" + std::string(64, 'a'), std::string(64, 'b'), 42,
                   "reg:5000/models/ns/x@sha256:" + std::string(64, 'a')};
  auto j = nlohmann::json::parse(success_line(r));
  EXPECT_EQ(j["digest"], r.digest);
  EXPECT_EQ(j["contentSha256"], r.content_sha256);
  EXPECT_EQ(j["sizeBytes"], 42);
  EXPECT_EQ(j["image"], r.image);
  EXPECT_EQ(success_line(r).find('\n'), std::string::npos);
}

TEST(ResultLine, FailureStaysUnder4096Bytes) {
  const std::string huge(20000, 'm');
  const std::string line = failure_line(Reason::kSourceUnreachable, huge + "\xff\xfe");
  EXPECT_LT(line.size(), kMaxResultBytes);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["reason"], "SourceUnreachable");
  EXPECT_EQ(nlohmann::json::parse(failure_line(Reason::kDigestMismatch, "short"))["message"],
            "short");
}

TEST(Reasons, ExitCodes) {
  EXPECT_EQ(exit_code(Reason::kInvalidArguments), 2);
  EXPECT_EQ(exit_code(Reason::kSourceTLS), 3);
  EXPECT_EQ(exit_code(Reason::kDigestMismatch), 3);
  EXPECT_EQ(exit_code(Reason::kPushRefused), 4);
  EXPECT_EQ(exit_code(Reason::kRegistryUnauthorized), 4);
  EXPECT_STREQ(reason_name(Reason::kSourceDNS), "SourceDNS");
}

Reason mapped(Side side, const std::function<void()>& thrower, bool* transient = nullptr) {
  try {
    try {
      thrower();
    } catch (...) {
      rethrow_as_fetch_error(side, "step");
    }
  } catch (const TransientError& e) {
    if (transient) *transient = true;
    return e.reason();
  } catch (const FetchError& e) {
    if (transient) *transient = false;
    return e.reason();
  }
  return Reason::kInvalidArguments;
}

TEST(ErrorMapping, TransportFailuresOnEachSide) {
  using oci::TransportError;
  using oci::TransportFailure;
  bool transient = false;
  EXPECT_EQ(
      mapped(
          Side::kSource, [] { throw TransportError(TransportFailure::kDns, "x"); }, &transient),
      Reason::kSourceDNS);
  EXPECT_EQ(
      mapped(
          Side::kSource, [] { throw TransportError(TransportFailure::kTls, "x"); }, &transient),
      Reason::kSourceTLS);
  EXPECT_FALSE(transient);
  EXPECT_EQ(mapped(
                Side::kSource, [] { throw TransportError(TransportFailure::kInterrupted, "x"); },
                &transient),
            Reason::kSourceUnreachable);
  EXPECT_TRUE(transient);
  EXPECT_EQ(mapped(Side::kRegistry, [] { throw TransportError(TransportFailure::kConnect, "x"); }),
            Reason::kRegistryUnreachable);
}

TEST(ErrorMapping, RegistryErrorsOnEachSide) {
  EXPECT_EQ(mapped(Side::kRegistry, [] { throw oci::UnauthorizedError(401, "", "x"); }),
            Reason::kRegistryUnauthorized);
  EXPECT_EQ(mapped(Side::kSource, [] { throw oci::UnauthorizedError(401, "", "x"); }),
            Reason::kSourceUnauthorized);
  EXPECT_EQ(mapped(Side::kRegistry, [] { throw oci::ForbiddenError(403, "DENIED", "x"); }),
            Reason::kPushRefused);
  EXPECT_EQ(mapped(Side::kSource, [] { throw oci::NotFoundError(404, "", "x"); }),
            Reason::kSourceNotFound);
  bool transient = false;
  EXPECT_EQ(mapped(
                Side::kRegistry, [] { throw oci::RegistryError(503, "", "x"); }, &transient),
            Reason::kRegistryUnreachable);
  EXPECT_TRUE(transient);
  EXPECT_EQ(mapped(
                Side::kRegistry, [] { throw oci::RegistryError(400, "", "x"); }, &transient),
            Reason::kPushRefused);
  EXPECT_FALSE(transient);
}

TEST(SourceStatus, Classification) {
  EXPECT_NO_THROW(check_source_status(200, "x"));
  auto reason = [](long status, bool* transient) {
    try {
      check_source_status(status, "GET x");
    } catch (const TransientError& e) {
      *transient = true;
      return e.reason();
    } catch (const FetchError& e) {
      *transient = false;
      return e.reason();
    }
    return Reason::kInvalidArguments;
  };
  bool t = false;
  EXPECT_EQ(reason(401, &t), Reason::kSourceUnauthorized);
  EXPECT_EQ(reason(403, &t), Reason::kSourceUnauthorized);
  EXPECT_EQ(reason(404, &t), Reason::kSourceNotFound);
  EXPECT_EQ(reason(503, &t), Reason::kSourceUnreachable);
  EXPECT_TRUE(t);
  EXPECT_EQ(reason(400, &t), Reason::kSourceUnreachable);
  EXPECT_FALSE(t);
}

TEST(Retry, BackoffDoublesUpToTheCap) {
  RetryPolicy p{5, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  EXPECT_EQ(backoff_delay(p, 1).count(), 100);
  EXPECT_EQ(backoff_delay(p, 2).count(), 200);
  EXPECT_EQ(backoff_delay(p, 4).count(), 800);
  EXPECT_EQ(backoff_delay(p, 9).count(), 1000);
}

TEST(Retry, RetriesTransientErrorsOnly) {
  RetryPolicy p{3, std::chrono::milliseconds(1), std::chrono::milliseconds(2)};
  int calls = 0;
  with_retries(p, "t", [&] {
    if (++calls < 3) throw TransientError(Reason::kSourceUnreachable, "flaky");
  });
  EXPECT_EQ(calls, 3);
  calls = 0;
  try {
    with_retries(p, "t", [&] {
      ++calls;
      throw TransientError(Reason::kRegistryUnreachable, "down");
    });
    FAIL();
  } catch (const FetchError& e) {
    EXPECT_EQ(e.reason(), Reason::kRegistryUnreachable);
    EXPECT_NE(std::string(e.what()).find("3 attempts"), std::string::npos);
  }
  EXPECT_EQ(calls, 3);
  calls = 0;
  EXPECT_THROW(with_retries(p, "t",
                            [&] {
                              ++calls;
                              throw FetchError(Reason::kSourceNotFound, "404");
                            }),
               FetchError);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace kiln::fetch
