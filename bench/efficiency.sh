#!/usr/bin/env bash
# Polling efficiency (issue 16): upstream calls per job and detection lag (RunComfy's finish, the
# simulator's finished_at, to the job.succeeded webhook arriving at a loopback consumer), for the
# learned poller (poll-strategy=learned: one result call per poll, timed by the model's history)
# side by side with a reference that polls like RunComfy's CLI (poll-strategy=fixed: a status call
# every 2 s, then a result call). Both run at the same time on this machine, each gateway with its own
# built-in simulator (same seed, same log-normal queue and run delays), its own schema and consumer.
# Each run first warms the learned poller up with WARMUP jobs (its model's history), then submits JOBS
# jobs at RATE per second to both, and counts the status and result calls the simulators answered.
# Storage copying is off, and the rate limit is raised so that neither poller waits for the budget:
# the comparison is of calls spent and lag, not of throttling.
# Usage: bench/efficiency.sh [jobs] [runs]   (env: RATE, WARMUP, QUEUE, QUEUE_SIGMA, RUN, RUN_SIGMA)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JOBS=${1:-200}
RUNS=${2:-3}
RATE=${RATE:-2}
WARMUP=${WARMUP:-20}
QUEUE=${QUEUE:-2s}
QUEUE_SIGMA=${QUEUE_SIGMA:-0.5}
RUN=${RUN:-10s}
RUN_SIGMA=${RUN_SIGMA:-0.25}
TOKEN=local-simulator-token
STRATEGIES=(learned fixed)
declare -A PORT=([learned]=18280 [fixed]=18380) SIM=([learned]=18290 [fixed]=18390) SINK=([learned]=18299 [fixed]=18399)
PIDS=()
trap 'for p in "${PIDS[@]}"; do stop_gateway "$p"; done' EXIT

build_jar
COMMON=(--gateway.upstream.enabled=true --gateway.upstream.rate-limit-per-second=100
  --gateway.upstream.max-in-flight=200 --gateway.upstream.poll-interval=2s
  --gateway.storage.enabled=false --gateway.webhooks.poll-interval=100ms
  --gateway.simulator.queue-delay="$QUEUE" --gateway.simulator.queue-delay-sigma="$QUEUE_SIGMA"
  --gateway.simulator.run-delay="$RUN" --gateway.simulator.run-delay-sigma="$RUN_SIGMA"
  --gateway.simulator.seed=16 --spring.datasource.hikari.maximum-pool-size=${POOL:-5})
declare -A KEY
for s in "${STRATEGIES[@]}"; do
  python3 "$BENCH_DIR/sink.py" "${SINK[$s]}" "$OUT/efficiency-$s.sink" & PIDS+=($!)
  fresh_schema "bench_eff_$s"
  PIDS+=("$(SIM_PORT=${SIM[$s]} CONSUMER_PORT=${SINK[$s]} start_gateway "efficiency-$s" "${PORT[$s]}" $((PORT[$s] + 1)) \
    "bench_eff_$s" "${COMMON[@]}" --gateway.upstream.poll-strategy="$s")")
  KEY[$s]=$(bench_team "${PORT[$s]}")
done

calls() { sim_stats "$1" | python3 -c 'import sys, json; s = json.load(sys.stdin); print(s["status_calls"] + s["result_calls"])'; }

# batch STRATEGY COUNT: submits COUNT jobs at RATE per second in the background.
batch() {
  local s=$1 count=$2
  : > "$OUT/efficiency-$s.sink"
  python3 "$BENCH_DIR/submit.py" "${PORT[$s]}" "${KEY[$s]}" "$count" 4 \
    "http://127.0.0.1:${SIM[$s]}/samples/input.jpg" "http://127.0.0.1:${SINK[$s]}/hook" "$RATE" > "$OUT/efficiency-$s.accepted"
}

await_batch() {
  local s=$1 count=$2 deadline=$((SECONDS + 900))
  until [ "$(grep -c ' job.succeeded ' "$OUT/efficiency-$s.sink")" -ge "$count" ] || [ $SECONDS -gt $deadline ]; do sleep 0.5; done
}

# report STRATEGY COUNT CALLS: one line: calls per job and detection lag percentiles.
report() {
  python3 - "$1" "$OUT/efficiency-$1.sink" "${SIM[$1]}" "$TOKEN" "$2" "$3" <<'PY'
import http.client, json, sys, datetime
name, path, port, token, count, calls = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
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
print("%s jobs=%d calls_per_job=%.2f lag_p50_ms=%.0f lag_p95_ms=%.0f lag_p99_ms=%.0f lag_max_ms=%.0f"
      % (name, len(lags), calls / count, pick(0.5) * 1000, pick(0.95) * 1000, pick(0.99) * 1000, lags[-1] * 1000))
PY
}

# both_batches COUNT: submits COUNT jobs to each gateway at once, and waits for the submits.
both_batches() {
  local s submitters=()
  for s in "${STRATEGIES[@]}"; do batch "$s" "$1" & submitters+=($!); done
  wait "${submitters[@]}"
}

log "warming up: $WARMUP jobs each"
both_batches "$WARMUP"
for s in "${STRATEGIES[@]}"; do await_batch "$s" "$WARMUP"; done
declare -A RESULTS
for run in $(seq 1 "$RUNS"); do
  declare -A BEFORE
  for s in "${STRATEGIES[@]}"; do BEFORE[$s]=$(calls "${SIM[$s]}"); done
  log "run $run: $JOBS jobs each at $RATE/s"
  both_batches "$JOBS"
  for s in "${STRATEGIES[@]}"; do await_batch "$s" "$JOBS"; done
  sleep 1
  for s in "${STRATEGIES[@]}"; do
    line=$(report "$s" "$JOBS" $(($(calls "${SIM[$s]}") - BEFORE[$s])))
    log "run $run: $line"
    RESULTS[$s]+="$line"$'\n'
  done
done
for s in "${STRATEGIES[@]}"; do
  for field in calls_per_job lag_p50_ms lag_p95_ms lag_p99_ms; do
    printf '%s' "${RESULTS[$s]}" | sed -n "s/.* $field=\([0-9.]*\).*/\1/p" | median | xargs printf "EFFICIENCY strategy=$s median_$field=%s runs=$RUNS\n"
  done
done
echo "MACHINE $(machine_info)"
