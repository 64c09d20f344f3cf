#!/usr/bin/env bash
# Chaos: PostgreSQL stopped and started again under load.
#
# !!! THIS RESTARTS THE MACHINE'S POSTGRESQL (cluster 15/main, via pg_ctlcluster as root): every other
# !!! client of it (other worktrees' test suites, other benchmarks) loses its connections. Before
# !!! stopping it, the script waits until no Maven test JVM (surefire) has run for 10 s in a row (at most
# !!! WAIT_FOR_TESTS seconds, then it gives up without touching PostgreSQL), and it starts PostgreSQL
# !!! again on exit whatever happens.
#
# One gateway instance, a standalone RunComfy simulator, a loopback webhook consumer as every job's
# webhook_url. A client posts RATE jobs per second for DURATION seconds, each once (no retries; every
# answer is logged). PG_AT seconds in, PostgreSQL is stopped (fast mode), left down PG_DOWN seconds,
# and started; meanwhile GET /jobs/{id} is probed once a second. Expected: the gateway keeps running
# (same process, health UP at the end), answers 503 application/problem+json (service-unavailable)
# while the database is away, not 500 and not a hang, and every job it answered 202 is in the table
# and reaches a terminal state. Prints one line:
#   CHAOS scenario=pg-restart jobs=... lost=... answers_503_problem=... answers_500=... seconds=...
#
# Usage: bench/chaos-pg-restart.sh   Settings from the environment: RATE (20), DURATION (60), PG_AT
#   (20), PG_DOWN (20), WAIT_FOR_TESTS (1800), SETTLE_SECONDS (600), POOL_SIZE (8 connections),
#   PG_CLUSTER ("15 main"), EXTRA_GATEWAY_ARGS (more --name=value gateway settings, word-split).
# Talks to 127.0.0.1 only; stops everything it started on exit, failure included.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-20}
DURATION=${DURATION:-60}
PG_AT=${PG_AT:-20}
PG_DOWN=${PG_DOWN:-20}
WAIT_FOR_TESTS=${WAIT_FOR_TESTS:-1800}
SETTLE_SECONDS=${SETTLE_SECONDS:-600}
POOL_SIZE=${POOL_SIZE:-8}
read -r -a CLUSTER <<< "${PG_CLUSTER:-15 main}"
PORT=19280 MGMT=19281
export SIM_PORT=19290 CONSUMER_PORT=19299
SCHEMA=chaos_pg_restart
TOKEN=chaos-simulator-token
RUN=pg-restart-$(date +%s)
NAME=pg-restart

pg_ctl() { pg_ctlcluster --skip-systemctl-redirect "${CLUSTER[@]}" "$@"; }
pg_up() { pg_isready -q -h 127.0.0.1 -t 2; }
PG_STOPPED=
cleanup() {
  if [ -n "$PG_STOPPED" ] && ! pg_up; then
    log "starting PostgreSQL again"
    pg_ctl start || log "COULD NOT START POSTGRESQL: run pg_ctlcluster --skip-systemctl-redirect ${CLUSTER[*]} start"
  fi
  chaos_cleanup
}
trap cleanup EXIT
require_free_ports $PORT $MGMT $SIM_PORT $CONSUMER_PORT
pg_up || { log "PostgreSQL is not up to begin with"; exit 1; }
build_jar
fresh_schema $SCHEMA
rm -f "$OUT/$NAME".*
log "machine: $(machine_info)"

SIM=$(start_simulator $NAME-sim $SIM_PORT --token=$TOKEN --queue-delay=1s --run-delay=2s)
CHAOS_PIDS+=("$SIM")
CONSUMER=$(start_consumer $NAME-consumer $CONSUMER_PORT "$OUT/$NAME.received")
CHAOS_PIDS+=("$CONSUMER")
GATEWAY=$(start_gateway $NAME $PORT $MGMT $SCHEMA --gateway.simulator.enabled=false \
  --gateway.runcomfy.base-url=http://127.0.0.1:$SIM_PORT --gateway.runcomfy.api-token=$TOKEN \
  --gateway.upstream.rate-limit-per-second=100 --gateway.upstream.max-in-flight=50 \
  --spring.datasource.hikari.maximum-pool-size="$POOL_SIZE" ${EXTRA_GATEWAY_ARGS:-})
CHAOS_PIDS+=("$GATEWAY")
KEY=$(bench_team $PORT)
PROBE_JOB=$(curl -sf -X POST "http://127.0.0.1:$PORT/jobs" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d "{\"input\": {\"prompt\": \"$RUN probe\", \"image_urls\": [\"http://127.0.0.1:$SIM_PORT/samples/input.jpg\"]}}" \
  | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')

wait_for_idle_tests "$WAIT_FOR_TESTS"
started=$(date +%s.%N)
log "posting $RATE jobs/s for $DURATION s; PostgreSQL goes down at +$PG_AT s for $PG_DOWN s"
python3 "$BENCH_DIR/chaos_client.py" post --ports $PORT --key "$KEY" --count $((RATE * DURATION)) --parallel 64 \
  --rate "$RATE" --run "$RUN" --image-url "http://127.0.0.1:$SIM_PORT/samples/input.jpg" \
  --webhook-url "http://127.0.0.1:$CONSUMER_PORT/hooks/$NAME" --timeout 60 --deadline $((DURATION + 120)) \
  --out "$OUT/$NAME.ids" --answers "$OUT/$NAME.answers" > "$OUT/$NAME.post.json" &
CLIENT=$!
CHAOS_PIDS+=("$CLIENT")
# One GET /jobs/{id} a second: epoch seconds when it ended, status, Content-Type, seconds taken.
(
  while kill -0 "$CLIENT" 2>/dev/null; do
    curl -s -o /dev/null --max-time 60 -w "%{time_total}\t%{http_code}\t%{content_type}\n" \
      "http://127.0.0.1:$PORT/jobs/$PROBE_JOB" -H "Authorization: Bearer $KEY" \
      | awk -v now="$(date +%s.%N)" -F'\t' '{printf "%.3f\t%s\t%s\t%s\n", now + $1, $2, $3, $1}'
    sleep 1
  done
) > "$OUT/$NAME.probes" &
PROBER=$!
CHAOS_PIDS+=("$PROBER")

sleep "$PG_AT"
# Once more, right before: a test run may have begun meanwhile (bounded: a minute, or give up).
wait_for_idle_tests 60
PG_STOPPED=1
down_at=$(date +%s.%N)
pg_ctl stop -m fast
log "PostgreSQL stopped"
sleep "$PG_DOWN"
pg_ctl start
up_at=$(date +%s.%N)
PG_STOPPED=
log "PostgreSQL started again after $(echo "$up_at - $down_at" | bc | xargs printf '%.0f') s"

wait "$CLIENT"
wait "$PROBER" || true
log "client: $(cat "$OUT/$NAME.post.json")"
figures=$(python3 "$BENCH_DIR/chaos_client.py" settle --schema $SCHEMA --ids "$OUT/$NAME.ids" \
  --consumer "$OUT/$NAME.received" --sim-port $SIM_PORT --deadline "$SETTLE_SECONDS")
seconds=$(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.0f')
alive=no
kill -0 "$GATEWAY" 2>/dev/null && alive=yes
health=$(curl -s --max-time 5 "http://127.0.0.1:$MGMT/actuator/health" | jq -r .status 2>/dev/null || echo none)

# What the client and the prober were answered while the database was away (and up to 60 s after:
# requests that began during the outage end later).
outage=$(python3 - "$OUT/$NAME.answers" "$OUT/$NAME.probes" "$down_at" "$up_at" <<'PY'
import collections, sys
answers, probes, down, up = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
counts = collections.Counter()
slowest = 0.0
first_202_after_up = None
for line in open(answers):
    end, index, port, status, ctype, took, problem = line.rstrip("\n").split("\t")
    end, took, status = float(end), float(took), int(status)
    began = end - took
    if status == 202 and began >= up and (first_202_after_up is None or end < first_202_after_up):
        first_202_after_up = end
    if end < down or began > up:
        continue
    slowest = max(slowest, took)
    if status == 503 and ctype.startswith("application/problem+json") and problem == "service-unavailable":
        counts["answers_503_problem"] += 1
    elif status >= 500:
        counts[f"answers_{status}"] += 1
    elif status == 0:
        counts["answers_none"] += 1
    else:
        counts[f"answers_{status}"] += 1
probe = collections.Counter()
for line in open(probes):
    parts = line.rstrip("\n").split("\t")
    if len(parts) == 4 and down <= float(parts[0]) - float(parts[3]) <= up:
        probe["probe_" + parts[1] + ("_problem" if parts[2].startswith("application/problem+json") else "")] += 1
out = dict(counts)
out["answers_500"] = counts.get("answers_500", 0)
out["answers_503_problem"] = counts.get("answers_503_problem", 0)
out["slowest_answer_during_outage_s"] = round(slowest, 1)
out["recovery_s"] = round(first_202_after_up - up, 1) if first_202_after_up else "none"
out.update(probe)
print(" ".join(f"{k}={v}" for k, v in sorted(out.items())))
PY
)
pg_down_seconds=$(echo "$up_at - $down_at" | bc | xargs printf '%.0f')
echo "CHAOS scenario=pg-restart $figures $outage pg_down_seconds=$pg_down_seconds gateway_same_process=$alive gateway_health=$health seconds=$seconds"
