#!/usr/bin/env bash
# Where a POST /jobs waits at a fixed rate: one gateway as in bench/http.sh (forwarding off), WARMUP
# seconds of saturated wrk first, then the open loop at RATE/s for SECONDS while PostgreSQL's view of
# the gateway's connections (pg_stat_activity: state and wait event) is sampled every 20 ms, and the
# pool's acquire and usage times are read from the gateway's metrics before and after.
# Usage: bench/openloop-waits.sh [rate] [seconds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RATE=${1:-300}
SECONDS_RUN=${2:-20}
PORT=18580
MGMT=18581
export SIM_PORT=18590
build_jar
fresh_schema bench_http
PID=$(JAVA_OPTS="-Xmx256m ${EXTRA_JAVA_OPTS:-}" start_gateway waits $PORT $MGMT bench_http --gateway.upstream.enabled=false ${EXTRA_GATEWAY_ARGS:-})
trap 'stop_gateway $PID' EXIT
export BENCH_KEY=$(bench_team $PORT)
log "warming up for ${WARMUP:-60}s"
wrk -t2 -c64 -d"${WARMUP:-60}s" -s "$BENCH_DIR/accept.lua" "http://127.0.0.1:$PORT/jobs" >/dev/null
sleep 5
metrics() { curl -sf "http://127.0.0.1:$MGMT/actuator/prometheus" | grep -E '^hikaricp_connections_(acquire|usage)_seconds_(sum|count)|^http_server_requests_seconds_(sum|count)\{.*method="POST".*status="202".*uri="/jobs"' | sed 's/{.*}//' | awk '{a[$1] += $2} END {for (k in a) print k, a[k]}' | sort; }
metrics > "$OUT/waits.before"
wal() { "${PSQL[@]}" -Atc "select wal_sync, wal_sync_time, wal_write, wal_write_time from pg_stat_wal"; }
wal > "$OUT/waits.wal.before"
BODY="{\"input\": {\"prompt\": \"a lighthouse at dusk\", \"image_urls\": [\"http://127.0.0.1:$SIM_PORT/samples/input.jpg\"]}}"
"$JAVA" "$BENCH_DIR/OpenLoop.java" "http://127.0.0.1:$PORT/jobs" "$RATE" "$SECONDS_RUN" "$BODY" "Bearer $BENCH_KEY" > "$OUT/waits.openloop" &
client=$!
"${PSQL[@]}" -F ' ' > "$OUT/waits.samples" <<SQL &
select state, coalesce(wait_event_type, '-'), coalesce(wait_event, '-'), count(*)
from pg_stat_activity where pid <> pg_backend_pid() and application_name = 'PostgreSQL JDBC Driver'
group by 1, 2, 3
\watch 0.02
SQL
sampler=$!
wait $client
kill $sampler 2>/dev/null || true
metrics > "$OUT/waits.after"
wal > "$OUT/waits.wal.after"
cat "$OUT/waits.openloop"
join "$OUT/waits.before" "$OUT/waits.after" | awk '{d[$1] = $3 - $2} END {
  n = d["http_server_requests_seconds_count"];
  printf "SERVER requests=%d mean_ms=%.2f pool_acquires_per_request=%.2f acquire_ms_per_request=%.2f held_ms_per_request=%.2f\n",
    n, d["http_server_requests_seconds_sum"] * 1000 / n, d["hikaricp_connections_acquire_seconds_count"] / n,
    d["hikaricp_connections_acquire_seconds_sum"] * 1000 / n, d["hikaricp_connections_usage_seconds_sum"] * 1000 / n }'
paste -d'|' "$OUT/waits.wal.before" "$OUT/waits.wal.after" | awk -F'|' '{
  syncs = $5 - $1; printf "WAL syncs=%d sync_ms_mean=%s writes=%d (sync times need track_wal_io_timing=on: %s)\n",
    syncs, (syncs > 0) ? sprintf("%.3f", ($6 - $2) / syncs) : "-", $7 - $3, (($6 - $2) > 0) ? "on" : "off" }'
echo "BACKENDS (connection-samples by state and wait event, every 20 ms):"
awk 'NF >= 4 && $NF ~ /^[0-9]+$/ {c[$1 " " $2 " " $3] += $NF} END {for (k in c) print c[k], k}' "$OUT/waits.samples" | sort -rn | head -15
