#!/usr/bin/env bash
# Chaos: kill -9 one of two gateway instances in the middle of 1,000 jobs, then restart it.
#
# Two instances share one database schema and one standalone RunComfy simulator; a loopback webhook
# consumer is every job's webhook_url. A client posts the jobs to both instances in parallel (one
# unique prompt and Idempotency-Key each; a POST that gets no answer is retried on the other instance
# with the same key). When half the jobs are accepted, instance A is killed with SIGKILL; after
# DOWN_SECONDS it is started again. The script then waits (bounded) until every job is terminal and
# every terminal event reached the consumer, and prints one line:
#   CHAOS scenario=kill9 jobs=... terminal=... lost=... duplicate_submits=... delivered=... seconds=...
# Jobs whose submit was under way at the kill end `failed` as `submit_outcome_unknown` once their
# submit lease (2 min) runs out: by design they are never sent twice (failed_submit_outcome_unknown;
# unknown_ran_at_runcomfy of them did reach RunComfy, unknown_never_sent were claimed but not yet sent).
#
# Usage: bench/chaos-kill9.sh        Settings from the environment: JOBS (1000), RATE (50 jobs/s
#   posted), PARALLEL (16), DOWN_SECONDS (5), UPSTREAM_RATE (100 RunComfy calls/s, both instances),
#   MAX_IN_FLIGHT (50), QUEUE_DELAY (1s), RUN_DELAY (2s), SETTLE_SECONDS (600), POOL_SIZE (8
#   connections per instance: the test suites of other worktrees share this PostgreSQL's 100).
#   EXTRA_GATEWAY_ARGS: more --name=value settings for the gateway (word-split).
# Talks to 127.0.0.1 only; stops everything it started on exit, failure included.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JOBS=${JOBS:-1000}
RATE=${RATE:-50}
PARALLEL=${PARALLEL:-16}
DOWN_SECONDS=${DOWN_SECONDS:-5}
UPSTREAM_RATE=${UPSTREAM_RATE:-100}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-50}
SETTLE_SECONDS=${SETTLE_SECONDS:-600}
POOL_SIZE=${POOL_SIZE:-8}
A=19280 A_MGMT=19281 B=19282 B_MGMT=19283
export SIM_PORT=19290 CONSUMER_PORT=19299
SCHEMA=chaos_kill9
TOKEN=chaos-simulator-token
RUN=kill9-$(date +%s)
NAME=kill9

trap chaos_cleanup EXIT
require_free_ports $A $A_MGMT $B $B_MGMT $SIM_PORT $CONSUMER_PORT
build_jar
fresh_schema $SCHEMA
rm -f "$OUT/$NAME".*
log "machine: $(machine_info)"

SIM=$(start_simulator $NAME-sim $SIM_PORT --token=$TOKEN --queue-delay="${QUEUE_DELAY:-1s}" --run-delay="${RUN_DELAY:-2s}")
CHAOS_PIDS+=("$SIM")
CONSUMER=$(start_consumer $NAME-consumer $CONSUMER_PORT "$OUT/$NAME.received")
CHAOS_PIDS+=("$CONSUMER")
GATEWAY_ARGS=(--gateway.simulator.enabled=false --gateway.runcomfy.base-url=http://127.0.0.1:$SIM_PORT
  --gateway.runcomfy.api-token=$TOKEN --gateway.upstream.rate-limit-per-second="$UPSTREAM_RATE"
  --gateway.upstream.max-in-flight="$MAX_IN_FLIGHT" --spring.datasource.hikari.maximum-pool-size="$POOL_SIZE")
GW_A=$(start_gateway $NAME-a $A $A_MGMT $SCHEMA "${GATEWAY_ARGS[@]}" ${EXTRA_GATEWAY_ARGS:-})
CHAOS_PIDS+=("$GW_A")
GW_B=$(start_gateway $NAME-b $B $B_MGMT $SCHEMA "${GATEWAY_ARGS[@]}" ${EXTRA_GATEWAY_ARGS:-})
CHAOS_PIDS+=("$GW_B")
KEY=$(bench_team $A)
log "simulator $SIM, consumer $CONSUMER, gateways A $GW_A (:$A) and B $GW_B (:$B); posting $JOBS jobs"

: > "$OUT/$NAME.ids"
started=$(date +%s.%N)
python3 "$BENCH_DIR/chaos_client.py" post --ports $A,$B --key "$KEY" --count "$JOBS" --parallel "$PARALLEL" \
  --rate "$RATE" --run "$RUN" --image-url "http://127.0.0.1:$SIM_PORT/samples/input.jpg" \
  --webhook-url "http://127.0.0.1:$CONSUMER_PORT/hooks/$NAME" --retry --deadline 300 \
  --out "$OUT/$NAME.ids" --answers "$OUT/$NAME.answers" > "$OUT/$NAME.post.json" &
CLIENT=$!
CHAOS_PIDS+=("$CLIENT")

deadline=$(($(date +%s) + 300))
until [ "$(wc -l < "$OUT/$NAME.ids")" -ge $((JOBS / 2)) ]; do
  kill -0 "$CLIENT" 2>/dev/null || { log "the client ended before half the jobs were posted"; exit 1; }
  [ "$(date +%s)" -lt "$deadline" ] || { log "half the jobs were not posted within 300 s"; exit 1; }
  sleep 0.1
done
accepted_at_kill=$(wc -l < "$OUT/$NAME.ids")
in_flight_at_kill=$("${PSQL[@]}" -c "select count(*) from $SCHEMA.jobs where status in ('submitted', 'running') or lease_owner is not null")
kill -9 "$GW_A"
log "killed A ($GW_A) with SIGKILL after $accepted_at_kill jobs posted ($in_flight_at_kill in flight)"
sleep "$DOWN_SECONDS"
GW_A=$(start_gateway $NAME-a-restarted $A $A_MGMT $SCHEMA "${GATEWAY_ARGS[@]}" ${EXTRA_GATEWAY_ARGS:-})
CHAOS_PIDS+=("$GW_A")
log "restarted A as $GW_A"

wait "$CLIENT"
log "client: $(cat "$OUT/$NAME.post.json")"
figures=$(python3 "$BENCH_DIR/chaos_client.py" settle --schema $SCHEMA --ids "$OUT/$NAME.ids" \
  --consumer "$OUT/$NAME.received" --sim-port $SIM_PORT --deadline "$SETTLE_SECONDS")
seconds=$(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.0f')
replayed=$(awk -F'\t' '$4 == 200' "$OUT/$NAME.answers" | wc -l)
no_answer=$(awk -F'\t' '$4 == 0' "$OUT/$NAME.answers" | wc -l)
# Of the jobs failed as submit_outcome_unknown, how many RunComfy did run (it accepted more submits
# than the gateway recorded request ids) and how many never reached it.
figure() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<< " $figures"; }
unknown=$(figure failed_submit_outcome_unknown)
ran_unrecorded=$(( $(figure sim_accepted) - $(figure submitted_upstream) ))
echo "CHAOS scenario=kill9 $figures unknown_ran_at_runcomfy=$ran_unrecorded unknown_never_sent=$(( ${unknown:-0} - ran_unrecorded )) posted_at_kill=$accepted_at_kill in_flight_at_kill=$in_flight_at_kill post_no_answer=$no_answer post_replayed=$replayed down_seconds=$DOWN_SECONDS seconds=$seconds"
