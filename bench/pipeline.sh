#!/usr/bin/env bash
# Pipeline: N jobs (default 5,000) with the simulator answering at once and limits raised, from the
# first POST to the last job.succeeded webhook received; then a low-load run (default 200 jobs at
# 10 per second) for the time from RunComfy's completion (the simulator's finished_at) to the webhook
# arriving at the consumer. One instance, loopback only, warmed up first with WARMUP_JOBS jobs (default
# 2,000; the JIT takes about a minute of load on two cores), so that the runs measure steady state.
# Each run also prints the CPU time spent per job by the gateway's JVM, by PostgreSQL and by the whole
# machine (the load generator and the webhook consumer included).
# Usage: bench/pipeline.sh [jobs] [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JOBS=${1:-5000}
RUNS=${2:-3}
PORT=18180
MGMT=18181
export SIM_PORT=18190
export CONSUMER_PORT=18199
TOKEN=local-simulator-token

build_jar
python3 "$BENCH_DIR/sink.py" $CONSUMER_PORT "$OUT/sink.log" &
SINK=$!
PID=""
trap 'stop_gateway "$PID"; kill $SINK 2>/dev/null' EXIT

# The settings that "limits raised" means here, all documented in the README.
RAISED=(--gateway.upstream.enabled=true --gateway.upstream.rate-limit-per-second=5000
  --gateway.upstream.max-in-flight=1000 --gateway.upstream.batch-size=200
  --gateway.upstream.dispatch-interval=50ms --gateway.upstream.poll-interval=200ms
  --gateway.upstream.max-poll-interval=500ms
  --gateway.simulator.queue-delay=0s --gateway.simulator.run-delay=0s
  --gateway.webhooks.poll-interval=100ms --gateway.webhooks.max-concurrent-per-host=64
  --spring.datasource.hikari.maximum-pool-size=30)

# run_jobs COUNT THREADS [RATE]: submits, waits for every job.succeeded at the sink, prints seconds.
run_jobs() {
  local count=$1 threads=$2 rate=${3:-}
  : > "$OUT/sink.log"
  local t0 t1
  t0=$(date +%s.%N)
  python3 "$BENCH_DIR/submit.py" $PORT "$BENCH_KEY" "$count" "$threads" \
    "http://127.0.0.1:$SIM_PORT/samples/input.jpg" "http://127.0.0.1:$CONSUMER_PORT/hook" $rate > "$OUT/accepted.log"
  local deadline=$((SECONDS + 600))
  until [ "$(grep -c ' job.succeeded ' "$OUT/sink.log")" -ge "$count" ] || [ $SECONDS -gt $deadline ]; do sleep 0.1; done
  t1=$(tail -1 "$OUT/sink.log" | awk '{print $1}')
  python3 - "$t0" "$OUT/sink.log" "$count" <<'PY'
import sys
t0, path, count = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
times = sorted(float(l.split()[0]) for l in open(path) if " job.succeeded " in l)
done = len(set(l.split()[3] for l in open(path) if " job.succeeded " in l))
print("%.3f %d" % (times[-1] - t0, done))
PY
}

# CPU time (clock ticks) of the gateway, of every PostgreSQL process, and of the machine.
jvm_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
pg_ticks() { for p in $(pgrep -u postgres postgres); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
HZ=$(getconf CLK_TCK)

fresh_schema bench_pipeline
PID=$(start_gateway pipeline $PORT $MGMT bench_pipeline "${RAISED[@]}")
export BENCH_KEY=$(bench_team $PORT)
log "warming up with ${WARMUP_JOBS:-2000} jobs"
run_jobs "${WARMUP_JOBS:-2000}" 32 > /dev/null
results=()
for run in $(seq 1 "$RUNS"); do
  j0=$(jvm_ticks); p0=$(pg_ticks); m0=$(machine_ticks)
  read -r seconds delivered < <(run_jobs "$JOBS" 32)
  j1=$(jvm_ticks); p1=$(pg_ticks); m1=$(machine_ticks)
  rate=$(echo "$delivered / $seconds" | bc -l)
  cpu="cpu ms/job: jvm $(echo "($j1 - $j0) * 1000 / $HZ / $delivered" | bc -l | xargs printf '%.1f') postgres $(echo "($p1 - $p0) * 1000 / $HZ / $delivered" | bc -l | xargs printf '%.1f') machine $(echo "($m1 - $m0) * 1000 / $HZ / $delivered" | bc -l | xargs printf '%.1f')"
  log "pipeline run $run: $delivered of $JOBS jobs succeeded and delivered in ${seconds}s = $(printf '%.0f' "$rate") jobs/s; $cpu"
  results+=("$rate")
done
echo "PIPELINE jobs=$JOBS median_jobs_per_s=$(printf '%s\n' "${results[@]}" | median | xargs printf '%.0f') runs=$RUNS"

# Low load, on the same warm instance: completion at RunComfy to webhook received.
read -r seconds delivered < <(run_jobs "${LOW_JOBS:-200}" 4 "${LOW_RATE:-10}")
python3 - "$OUT/sink.log" "$SIM_PORT" "$TOKEN" <<'PY'
import http.client, json, sys, datetime
path, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", port)
lags = []
for line in open(path):
    at, _, kind, job, request = line.split()
    if kind != "job.succeeded":
        continue
    conn.request("GET", "/v1/requests/%s/result" % request, headers={"Authorization": "Bearer " + token})
    result = json.loads(conn.getresponse().read())
    finished = datetime.datetime.fromisoformat(result["finished_at"].replace("Z", "+00:00")).timestamp()
    lags.append(float(at) - finished)
lags.sort()
pick = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
print("LOWLOAD jobs=%d completion_to_webhook_p50_ms=%.0f p99_ms=%.0f max_ms=%.0f" % (len(lags), pick(0.5) * 1000, pick(0.99) * 1000, lags[-1] * 1000))
PY
