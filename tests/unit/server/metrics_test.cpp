#include "server/metrics.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kiln::serve {
namespace {

TEST(Metrics, RendersCountersHistogramAndGauges) {
  SharedMetrics* m = create_shared_metrics();
  m->record(Route::kScore, 200, 2'000'000);   // 2 ms
  m->record(Route::kScore, 200, 40'000'000);  // 40 ms
  m->record(Route::kScore, 503, 100'000);     // 0.1 ms
  m->record(Route::kHealth, 200, 50'000);
  m->in_flight[0] = 2;
  m->in_flight[1] = 1;
  m->in_flight[5] = 7;  // beyond worker_count: not counted
  auto text = render_prometheus(*m, 2);
  EXPECT_NE(text.find("kiln_serve_requests_total{route=\"/score\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kiln_serve_requests_total{route=\"/score\",status=\"503\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("kiln_serve_requests_total{route=\"/\",status=\"200\"} 1\n"),
            std::string::npos);
  // Cumulative buckets: 0.1 ms <= 0.0005; 2 ms <= 0.0025; 40 ms <= 0.05.
  EXPECT_NE(text.find("duration_seconds_bucket{route=\"/score\",le=\"0.0005\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("duration_seconds_bucket{route=\"/score\",le=\"0.0025\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("duration_seconds_bucket{route=\"/score\",le=\"0.025\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("duration_seconds_bucket{route=\"/score\",le=\"0.05\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("duration_seconds_bucket{route=\"/score\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("duration_seconds_count{route=\"/score\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("kiln_serve_requests_in_flight 3\n"), std::string::npos);
  EXPECT_EQ(text.find("route=\"/metrics\""), std::string::npos) << "no series for unused routes";
}

TEST(Metrics, ChildProcessesShareTheCounters) {
  SharedMetrics* m = create_shared_metrics();
  pid_t pid = ::fork();
  if (pid == 0) {
    for (int i = 0; i < 1000; ++i) m->record(Route::kScore, 200, 1000);
    ::_exit(0);
  }
  for (int i = 0; i < 1000; ++i) m->record(Route::kScore, 200, 1000);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(m->requests[static_cast<int>(Route::kScore)][200].load(), 2000u);
}

}  // namespace
}  // namespace kiln::serve
