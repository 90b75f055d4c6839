-- wrk script: POST the seeds' example request to /score, and print the
-- numbers run.sh reads (requests/s, p50 and p99 in microseconds, errors).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("KILN_RESULT %.1f %d %d %d %d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    errors, summary.requests))
end
