#!/usr/bin/env bash
# Chaos: RunComfy failing 30% of all calls (submit, status, result) with HTTP 500 and 5% with 429
# (Retry-After: 1 s) for the whole run. One gateway instance, a standalone simulator with those fault
# rates, a loopback webhook consumer as every job's webhook_url. Expected: every job still succeeds;
# no job is submitted (accepted by RunComfy) twice. duplicate_bodies counts resends after a 5xx or 429,
# which RunComfy answered without creating anything: allowed by design.
# While it runs, the circuit breaker's state is sampled every second from /actuator/health
# (circuit_open_samples / circuit_samples): at 30% failures over a window of 20 calls it may open now
# and then, which only slows the run down.
# Prints one line:
#   CHAOS scenario=faults jobs=... terminal=... lost=... succeeded=... duplicate_submits=... seconds=...
#
# Usage: bench/chaos-faults.sh        Settings from the environment: JOBS (300), ERROR_RATE (0.3),
#   RATE_LIMIT_RATE (0.05), RETRY_AFTER (1s), UPSTREAM_RATE (50 RunComfy calls/s), MAX_IN_FLIGHT (50),
#   MAX_SUBMIT_ATTEMPTS (the gateway's default, 10), SEED (simulator seed, random by default),
#   SETTLE_SECONDS (900), POOL_SIZE (8 connections).
#   EXTRA_GATEWAY_ARGS: more --name=value settings for the gateway (word-split).
# Talks to 127.0.0.1 only; stops everything it started on exit, failure included.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JOBS=${JOBS:-300}
UPSTREAM_RATE=${UPSTREAM_RATE:-50}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-50}
SETTLE_SECONDS=${SETTLE_SECONDS:-900}
POOL_SIZE=${POOL_SIZE:-8}
PORT=19280 MGMT=19281
export SIM_PORT=19290 CONSUMER_PORT=19299
SCHEMA=chaos_faults
TOKEN=chaos-simulator-token
RUN=faults-$(date +%s)
NAME=faults

trap chaos_cleanup EXIT
require_free_ports $PORT $MGMT $SIM_PORT $CONSUMER_PORT
build_jar
fresh_schema $SCHEMA
rm -f "$OUT/$NAME".*
log "machine: $(machine_info)"

SIM_ARGS=(--token=$TOKEN --queue-delay=1s --run-delay=2s --error-rate="${ERROR_RATE:-0.3}"
  --rate-limit-rate="${RATE_LIMIT_RATE:-0.05}" --retry-after="${RETRY_AFTER:-1s}")
[ -n "${SEED:-}" ] && SIM_ARGS+=(--seed="$SEED")
SIM=$(start_simulator $NAME-sim $SIM_PORT "${SIM_ARGS[@]}")
CHAOS_PIDS+=("$SIM")
CONSUMER=$(start_consumer $NAME-consumer $CONSUMER_PORT "$OUT/$NAME.received")
CHAOS_PIDS+=("$CONSUMER")
GATEWAY_ARGS=(--gateway.simulator.enabled=false --gateway.runcomfy.base-url=http://127.0.0.1:$SIM_PORT
  --gateway.runcomfy.api-token=$TOKEN --gateway.upstream.rate-limit-per-second="$UPSTREAM_RATE"
  --gateway.upstream.max-in-flight="$MAX_IN_FLIGHT" --spring.datasource.hikari.maximum-pool-size="$POOL_SIZE")
[ -n "${MAX_SUBMIT_ATTEMPTS:-}" ] && GATEWAY_ARGS+=(--gateway.upstream.max-submit-attempts="$MAX_SUBMIT_ATTEMPTS")
GATEWAY=$(start_gateway $NAME $PORT $MGMT $SCHEMA "${GATEWAY_ARGS[@]}" ${EXTRA_GATEWAY_ARGS:-})
CHAOS_PIDS+=("$GATEWAY")
KEY=$(bench_team $PORT)
log "simulator $SIM (${SIM_ARGS[*]:1}), consumer $CONSUMER, gateway $GATEWAY; posting $JOBS jobs"

# The breaker's state once a second, until the file that keeps the sampler going is removed.
touch "$OUT/$NAME.sampling"
(
  while [ -e "$OUT/$NAME.sampling" ]; do
    curl -s --max-time 2 "http://127.0.0.1:$MGMT/actuator/health" \
      | jq -r '.components.circuitBreakers.details.runcomfy.details.state // "unknown"' 2>/dev/null || echo unknown
    sleep 1
  done
) > "$OUT/$NAME.circuit" &
SAMPLER=$!
CHAOS_PIDS+=("$SAMPLER")

started=$(date +%s.%N)
python3 "$BENCH_DIR/chaos_client.py" post --ports $PORT --key "$KEY" --count "$JOBS" --parallel 16 \
  --run "$RUN" --image-url "http://127.0.0.1:$SIM_PORT/samples/input.jpg" \
  --webhook-url "http://127.0.0.1:$CONSUMER_PORT/hooks/$NAME" --deadline 120 \
  --out "$OUT/$NAME.ids" --answers "$OUT/$NAME.answers" > "$OUT/$NAME.post.json"
log "client: $(cat "$OUT/$NAME.post.json")"
figures=$(python3 "$BENCH_DIR/chaos_client.py" settle --schema $SCHEMA --ids "$OUT/$NAME.ids" \
  --consumer "$OUT/$NAME.received" --sim-port $SIM_PORT --deadline "$SETTLE_SECONDS")
seconds=$(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.0f')
rm -f "$OUT/$NAME.sampling"
wait "$SAMPLER" || true
open=$(grep -c -E 'OPEN|HALF_OPEN' "$OUT/$NAME.circuit" || true)
samples=$(wc -l < "$OUT/$NAME.circuit")
attempts=$("${PSQL[@]}" -c "select coalesce(max(attempts), 0) || ' ' || coalesce(round(avg(attempts), 2), 0) from $SCHEMA.jobs")
echo "CHAOS scenario=faults $figures max_submit_attempts_used=${attempts% *} mean_submit_attempts=${attempts#* } circuit_open_samples=$open circuit_samples=$samples error_rate=${ERROR_RATE:-0.3} rate_limit_rate=${RATE_LIMIT_RATE:-0.05} seconds=$seconds"
