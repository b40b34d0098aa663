-- wrk's end-of-run report as one JSON line, for benchmarks.load: requests, seconds,
-- errors (socket errors and answers other than 2xx/3xx) and latency percentiles in ms.
-- A Cookie header comes from the environment (WRK_COOKIE) so that a page behind the
-- sign-in is loaded as a signed-in user.

local cookie = os.getenv("WRK_COOKIE")

request = function()
  if cookie and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  return wrk.format(nil)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "status_errors": %d,'
      .. ' "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, failed, errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000
  ))
end
