#!/usr/bin/env bash
# Accept path (POST /jobs, image probing on, image served on loopback), read path (GET /jobs/{id}) and
# footprint (peak RSS and heap with -Xmx256m) with wrk at 64 connections against one instance.
# Forwarding is off so that only the HTTP path is measured. Also prints the CPU time per request of
# the gateway and of PostgreSQL, and the machine's idle share, during the accept runs.
# In the same run: the pgbench ceiling first (bench/ceiling.sh, before the gateway starts), and the
# accept rate's ratio to it; then POST /jobs at a fixed rate, RATE_SHARE (25 %) of the accept runs'
# median, with an open-loop client (bench/OpenLoop.java: latency from each request's scheduled time,
# so coordinated omission hides no wait), p50/p99 against the 25 ms target. Every line carries the
# 1-minute load average at its start (the machine may be shared). SKIP_CEILING=1 leaves pgbench out.
# Usage: bench/http.sh [seconds per run] [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DURATION=${1:-20}
RUNS=${2:-3}
PORT=18580
MGMT=18581
export SIM_PORT=18590

if [ -z "${SKIP_CEILING:-}" ]; then
  log "pgbench ceiling first; load $(cut -d' ' -f1 /proc/loadavg)"
  CEILING_LINE=$("$BENCH_DIR/ceiling.sh" "$DURATION" "$RUNS")
  CEILING=$(echo "$CEILING_LINE" | sed -n 's/.*median_tps=\([0-9]*\).*/\1/p')
  log "$CEILING_LINE"
fi
build_jar
fresh_schema bench_http
# Every pause of the gateway (GC and other safepoints) goes to a log, to set beside the open loop's slow
# requests (openloop-slow.N: due time in epoch ms, latency).
PID=$(JAVA_OPTS="-Xmx256m -Xlog:gc,safepoint:file=$OUT/http-pauses.log:time,uptime,tags ${EXTRA_JAVA_OPTS:-}" start_gateway http $PORT $MGMT bench_http --gateway.upstream.enabled=false)
trap 'stop_gateway $PID' EXIT
export BENCH_KEY=$(bench_team $PORT)
# The JIT needs about a minute of this load on two cores before throughput stops rising.
log "gateway pid $PID; warming up for ${WARMUP:-60}s"
wrk -t2 -c64 -d"${WARMUP:-60}s" -s "$BENCH_DIR/accept.lua" "http://127.0.0.1:$PORT/jobs" >/dev/null

# Samples RSS (kB, from /proc) and heap in use (kB, young + old, from one `jstat -gc PID 200` stream:
# a jstat per sample would start a JVM five times a second on the cores being measured) every 200 ms
# until stopped; prints the peaks.
sample_memory() {
  local peak_rss=0 rss
  jstat -gc "$PID" 200 > "$OUT/jstat.log" 2>/dev/null &
  local jstat=$!
  while [ -e "$OUT/sampling" ]; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
    [ -n "$rss" ] && [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
    sleep 0.2
  done
  kill $jstat 2>/dev/null; wait $jstat 2>/dev/null || true
  echo "$peak_rss $(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {h = $3 + $4 + $6 + $8; if (h > m) m = h} END {printf "%d", m}' "$OUT/jstat.log")"
}
PATH="$(dirname "$JAVA"):$PATH"

# CPU time (clock ticks) of the gateway and of every PostgreSQL process; the machine's idle and total.
jvm_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
pg_ticks() { for p in $(pgrep -u postgres postgres); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
idle_ticks() { awk '/^cpu / {print $5 + $6}' /proc/stat; }
all_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
HZ=$(getconf CLK_TCK)

accept=()
for run in $(seq 1 "$RUNS"); do
  touch "$OUT/sampling"
  sample_memory > "$OUT/memory.$run" &
  sampler=$!
  load=$(cut -d' ' -f1 /proc/loadavg)
  j0=$(jvm_ticks); p0=$(pg_ticks); i0=$(idle_ticks); m0=$(all_ticks)
  line=$(wrk -t2 -c64 -d"${DURATION}s" --latency -s "$BENCH_DIR/accept.lua" "http://127.0.0.1:$PORT/jobs" | grep '^RESULT')
  j1=$(jvm_ticks); p1=$(pg_ticks); i1=$(idle_ticks); m1=$(all_ticks)
  n=$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
  line="$line cpu_ms_per_req_jvm=$(echo "($j1 - $j0) * 1000 / $HZ / $n" | bc -l | xargs printf '%.2f') cpu_ms_per_req_pg=$(echo "($p1 - $p0) * 1000 / $HZ / $n" | bc -l | xargs printf '%.2f') machine_idle_pct=$(echo "($i1 - $i0) * 100 / ($m1 - $m0)" | bc -l | xargs printf '%.0f') load1=$load"
  rm -f "$OUT/sampling"; wait $sampler
  log "accept run $run: $line; peak rss/heap kB: $(cat "$OUT/memory.$run")"
  accept+=("$line")
done

# Open loop at a fixed share of the saturated rate just measured.
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
MAX_RPS=$(printf '%s\n' "${accept[@]}" | field rps | median)
RATE=$(echo "$MAX_RPS * ${RATE_SHARE:-0.25}" | bc -l | xargs printf '%.0f')
BODY="{\"input\": {\"prompt\": \"a lighthouse at dusk\", \"image_urls\": [\"http://127.0.0.1:$SIM_PORT/samples/input.jpg\"]}}"
# The gateway's own view of the POST /jobs answers during each run (http.server.requests: from the
# request's dispatch to its answer, inside the gateway): how many, how many within 25 ms and 50 ms, their
# total time; and the time pool connections were held (hikaricp.connections.usage: the database's part).
# Set beside the client's counts, they tell time spent in the gateway from time spent getting to it.
server_counts() {
  curl -sf "http://127.0.0.1:$MGMT/actuator/prometheus" | awk '
    /^http_server_requests_seconds_(bucket|count|sum)\{/ && /method="POST"/ && /uri="\/jobs"/ && /status="202"/ {
      if ($0 ~ /le="0.025"/) a += $NF; else if ($0 ~ /le="0.05"/) b += $NF; else if ($0 ~ /_count\{/) n += $NF; else if ($0 ~ /_sum\{/) t += $NF }
    /^hikaricp_connections_usage_seconds_(count|sum)\{/ { if ($0 ~ /_count\{/) hn += $NF; else hs += $NF }
    END {printf "%d %d %d %.6f %d %.6f", n, a, b, t, hn, hs}'
}
openloop=()
for run in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r n0 a0 b0 t0 hn0 hs0 <<< "$(server_counts)"
  line=$("$JAVA" -Dslow.file="$OUT/openloop-slow.$run" "$BENCH_DIR/OpenLoop.java" "http://127.0.0.1:$PORT/jobs" "$RATE" "$DURATION" "$BODY" "Bearer $BENCH_KEY" | grep '^RESULT')
  read -r n1 a1 b1 t1 hn1 hs1 <<< "$(server_counts)"
  line="$line server_requests=$((n1 - n0)) server_over_25ms=$(((n1 - n0) - (a1 - a0))) server_over_50ms=$(((n1 - n0) - (b1 - b0))) server_mean_ms=$(echo "($t1 - $t0) * 1000 / ($n1 - $n0)" | bc -l | xargs printf '%.2f') pool_uses_per_request=$(echo "($hn1 - $hn0) / ($n1 - $n0)" | bc -l | xargs printf '%.2f') pool_held_ms_per_request=$(echo "($hs1 - $hs0) * 1000 / ($n1 - $n0)" | bc -l | xargs printf '%.2f') load1=$load"
  log "open-loop run $run at $RATE/s: $line"
  openloop+=("$line")
done

export BENCH_JOB=$(curl -sf -X POST "http://127.0.0.1:$PORT/jobs" -H "Authorization: Bearer $BENCH_KEY" \
  -H 'Content-Type: application/json' \
  -d "{\"input\": {\"prompt\": \"read me\", \"image_urls\": [\"http://127.0.0.1:$SIM_PORT/samples/input.jpg\"]}}" \
  | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
wrk -t2 -c64 -d5s -s "$BENCH_DIR/read.lua" "http://127.0.0.1:$PORT" >/dev/null
read=()
for run in $(seq 1 "$RUNS"); do
  line=$(wrk -t2 -c64 -d"${DURATION}s" --latency -s "$BENCH_DIR/read.lua" "http://127.0.0.1:$PORT" | grep '^RESULT')
  log "read run $run: $line"
  read+=("$line")
done

for name in accept read; do
  declare -n lines=$name
  printf '%s\n' "${lines[@]}" > "$OUT/$name.results"
  echo "${name^^} median_rps=$(field rps < "$OUT/$name.results" | median) median_p50_ms=$(field p50_ms < "$OUT/$name.results" | median) median_p99_ms=$(field p99_ms < "$OUT/$name.results" | median) non_2xx=$(field non_2xx < "$OUT/$name.results" | paste -sd+ | bc)"
done
printf '%s\n' "${openloop[@]}" > "$OUT/openloop.results"
echo "OPENLOOP rate=$RATE share_of_max=${RATE_SHARE:-0.25} median_p50_ms=$(field p50_ms < "$OUT/openloop.results" | median) median_p99_ms=$(field p99_ms < "$OUT/openloop.results" | median) non_2xx=$(field non_2xx < "$OUT/openloop.results" | paste -sd+ | bc) errors=$(field errors < "$OUT/openloop.results" | paste -sd+ | bc) target_p99_ms=25"
if [ -n "${CEILING:-}" ]; then
  echo "RATIO accept_median_rps=$MAX_RPS ceiling_median_tps=$CEILING ratio_pct=$(echo "$MAX_RPS * 100 / $CEILING" | bc -l | xargs printf '%.0f') target_pct=40"
fi
echo "FOOTPRINT peak_rss_mib=$(cat "$OUT"/memory.* | awk '{print $1}' | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}') peak_heap_mib=$(cat "$OUT"/memory.* | awk '{print $2}' | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}') xmx=256m"
rm -f "$OUT"/memory.*
