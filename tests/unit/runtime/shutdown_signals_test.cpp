#include "operator/runtime/shutdown_signals.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

namespace kiln::runtime {
namespace {

volatile std::sig_atomic_t g_custom_handler_ran = 0;

TEST(ShutdownSignals, SigtermRequestsStop) {
  ShutdownSignals signals;
  EXPECT_FALSE(signals.token().stop_requested());
  ASSERT_EQ(std::raise(SIGTERM), 0);
  signals.wait();  // returns only once the watcher has requested stop
  EXPECT_TRUE(signals.token().stop_requested());
  EXPECT_EQ(signals.received_signal(), SIGTERM);
}

TEST(ShutdownSignals, SigintRequestsStop) {
  ShutdownSignals signals;
  ASSERT_EQ(std::raise(SIGINT), 0);
  signals.wait();
  EXPECT_EQ(signals.received_signal(), SIGINT);
}

TEST(ShutdownSignals, RequestStopWithoutASignal) {
  ShutdownSignals signals;
  signals.request_stop();
  signals.wait();
  EXPECT_EQ(signals.received_signal(), 0);
}

TEST(ShutdownSignals, OnlyOneInstanceAtATime) {
  ShutdownSignals signals;
  EXPECT_THROW(ShutdownSignals second, std::logic_error);
}

TEST(ShutdownSignals, RestoresThePreviousHandlers) {
  auto* previous = std::signal(SIGINT, [](int) { g_custom_handler_ran = 1; });
  { ShutdownSignals signals; }
  ASSERT_EQ(std::raise(SIGINT), 0);  // handlers run synchronously for raise()
  EXPECT_EQ(g_custom_handler_ran, 1);
  std::signal(SIGINT, previous);
}

TEST(ShutdownSignalsDeathTest, ASecondSignalExitsAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ShutdownSignals signals;
        std::raise(SIGTERM);
        signals.wait();
        std::raise(SIGTERM);
        for (;;) ::pause();  // the watcher thread exits the process
      },
      ::testing::ExitedWithCode(1), "");
}

}  // namespace
}  // namespace kiln::runtime
