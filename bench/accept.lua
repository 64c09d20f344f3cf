-- POST /jobs with a valid body whose image is served on loopback by the simulator (probe cache on).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.body = '{"input": {"prompt": "a lighthouse at dusk", "image_urls": ["http://127.0.0.1:' .. (os.getenv("SIM_PORT") or "8090") .. '/samples/input.jpg"]}}'

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f socket_errors=%d non_2xx=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status, summary.requests))
end
