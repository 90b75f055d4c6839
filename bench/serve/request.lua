-- wrk script: POST the body in $KILN_BENCH_BODY (JSON) to the URL given, and
-- print the numbers run.sh reads (requests/s, p50 and p99 in microseconds,
-- errors, requests). Each server gets the seeds' two rows in its own protocol.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("KILN_BENCH_BODY")

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("KILN_RESULT %.1f %d %d %d %d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    errors, summary.requests))
end
