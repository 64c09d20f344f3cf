#!/usr/bin/env bash
# Chaos: the webhook consumer is down for several minutes (default 3), then back: nothing is lost.
#
# One gateway instance, a standalone RunComfy simulator (fast jobs), a loopback webhook consumer as
# every job's webhook_url. First BEFORE jobs run with the consumer up (a baseline that must all be
# delivered); then the consumer is stopped (its port refuses connections) and DURING jobs are posted,
# all of which finish while it is down; after DOWN_SECONDS it comes back on the same port, and the
# script waits (bounded) until every terminal event has reached it.
# The run uses a SHORT retry schedule, not the production one (5s, 5m, 30m, ... over three days):
#   --gateway.webhooks.retry-schedule=2s,5s,10s,20s,30s,60s,60s,60s,60s   (ten attempts over ~307 s)
# so an outage must be shorter than that for a delivery not to exhaust its attempts; the script refuses
# a DOWN_SECONDS that does not leave a margin of a minute (set RETRY_SCHEDULE to go longer).
# Prints one line:
#   CHAOS scenario=webhook-down jobs=... terminal=... lost=... delivered=... undelivered=... seconds=...
# with deliveries_failed (deliveries that ran out of attempts: must be 0) and drain_seconds (from the
# consumer's return until every event had arrived).
#
# Usage: bench/chaos-webhook-down.sh     Settings from the environment: DOWN_SECONDS (180), BEFORE (50),
#   DURING (300), RETRY_SCHEDULE (above), SETTLE_SECONDS (600), POOL_SIZE (8 connections).
#   EXTRA_GATEWAY_ARGS: more --name=value settings for the gateway (word-split).
# Talks to 127.0.0.1 only; stops everything it started on exit, failure included.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DOWN_SECONDS=${DOWN_SECONDS:-180}
BEFORE=${BEFORE:-50}
DURING=${DURING:-300}
RETRY_SCHEDULE=${RETRY_SCHEDULE:-2s,5s,10s,20s,30s,60s,60s,60s,60s}
SETTLE_SECONDS=${SETTLE_SECONDS:-600}
POOL_SIZE=${POOL_SIZE:-8}
PORT=19280 MGMT=19281
export SIM_PORT=19290 CONSUMER_PORT=19299
SCHEMA=chaos_webhook_down
TOKEN=chaos-simulator-token
RUN=webhook-down-$(date +%s)
NAME=webhook-down

# The schedule's total in seconds (entries in s or m), against the outage.
schedule_seconds=$(tr ',' '\n' <<< "$RETRY_SCHEDULE" \
  | awk '/m$/ {s += $1 * 60; next} /s$/ {s += $1; next} {print "bad entry " $0 > "/dev/stderr"; exit 1} END {print s}')
if [ $((DOWN_SECONDS + 60)) -gt "$schedule_seconds" ]; then
  log "DOWN_SECONDS=$DOWN_SECONDS does not fit the retry schedule ($schedule_seconds s of retries): set RETRY_SCHEDULE"
  exit 2
fi

trap chaos_cleanup EXIT
require_free_ports $PORT $MGMT $SIM_PORT $CONSUMER_PORT
build_jar
fresh_schema $SCHEMA
rm -f "$OUT/$NAME".*
log "machine: $(machine_info)"

SIM=$(start_simulator $NAME-sim $SIM_PORT --token=$TOKEN --queue-delay=500ms --run-delay=500ms)
CHAOS_PIDS+=("$SIM")
CONSUMER=$(start_consumer $NAME-consumer $CONSUMER_PORT "$OUT/$NAME.received")
CHAOS_PIDS+=("$CONSUMER")
GATEWAY=$(start_gateway $NAME $PORT $MGMT $SCHEMA --gateway.simulator.enabled=false \
  --gateway.runcomfy.base-url=http://127.0.0.1:$SIM_PORT --gateway.runcomfy.api-token=$TOKEN \
  --gateway.upstream.rate-limit-per-second=100 --gateway.upstream.max-in-flight=50 \
  --gateway.webhooks.retry-schedule="$RETRY_SCHEDULE" --spring.datasource.hikari.maximum-pool-size="$POOL_SIZE" ${EXTRA_GATEWAY_ARGS:-})
CHAOS_PIDS+=("$GATEWAY")
KEY=$(bench_team $PORT)

post() { # post COUNT RUN-SUFFIX
  python3 "$BENCH_DIR/chaos_client.py" post --ports $PORT --key "$KEY" --count "$1" --parallel 16 \
    --run "$RUN-$2" --image-url "http://127.0.0.1:$SIM_PORT/samples/input.jpg" \
    --webhook-url "http://127.0.0.1:$CONSUMER_PORT/hooks/$NAME" --deadline 120 \
    --out "$OUT/$NAME.ids.$2" --answers "$OUT/$NAME.answers.$2"
}
deliveries() {
  "${PSQL[@]}" -c "select count(*) filter (where status = 'pending') || ' ' || count(*) filter (where status = 'delivered')
    || ' ' || count(*) filter (where status = 'failed') from $SCHEMA.webhook_deliveries"
}

started=$(date +%s.%N)
log "baseline: $BEFORE jobs with the consumer up"
post "$BEFORE" before > /dev/null
python3 "$BENCH_DIR/chaos_client.py" settle --schema $SCHEMA --ids "$OUT/$NAME.ids.before" \
  --consumer "$OUT/$NAME.received" --deadline 120 > "$OUT/$NAME.before"
log "baseline: $(cat "$OUT/$NAME.before")"

stop_pid "$CONSUMER"
down_at=$(date +%s)
log "consumer stopped; posting $DURING jobs while it is down for $DOWN_SECONDS s"
post "$DURING" during > /dev/null
# Bounded: the jobs finish while the consumer is away (their events pile up as pending deliveries).
deadline=$((down_at + DOWN_SECONDS))
while [ "$(date +%s)" -lt "$deadline" ]; do
  left=$((deadline - $(date +%s)))
  sleep "$((left < 1 ? 1 : left < 5 ? left : 5))"
  log "consumer down $(( $(date +%s) - down_at )) s; deliveries pending/delivered/failed: $(deliveries)"
done
terminal_while_down=$("${PSQL[@]}" -c "select count(*) from $SCHEMA.jobs where status in ('succeeded', 'failed', 'cancelled')")
pending_at_return=$(deliveries)
CONSUMER=$(start_consumer $NAME-consumer-back $CONSUMER_PORT "$OUT/$NAME.received")
CHAOS_PIDS+=("$CONSUMER")
back_at=$(date +%s.%N)
log "consumer back after $(( $(date +%s) - down_at )) s; deliveries pending/delivered/failed: $pending_at_return"

cat "$OUT/$NAME.ids.before" "$OUT/$NAME.ids.during" > "$OUT/$NAME.ids"
figures=$(python3 "$BENCH_DIR/chaos_client.py" settle --schema $SCHEMA --ids "$OUT/$NAME.ids" \
  --consumer "$OUT/$NAME.received" --sim-port $SIM_PORT --deadline "$SETTLE_SECONDS")
now=$(date +%s.%N)
drain=$(echo "$now - $back_at" | bc | xargs printf '%.0f')
seconds=$(echo "$now - $started" | bc | xargs printf '%.0f')
read -r pending delivered_rows failed_rows <<< "$(deliveries)"
echo "CHAOS scenario=webhook-down $figures terminal_while_down=$terminal_while_down pending_at_return=${pending_at_return%% *} deliveries_pending=$pending deliveries_failed=$failed_rows down_seconds=$DOWN_SECONDS retry_schedule=$RETRY_SCHEDULE drain_seconds=$drain seconds=$seconds"
