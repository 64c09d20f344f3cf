#!/usr/bin/env bash
# What tracing costs on bench/http.sh: runs it ROUNDS times in each mode, the modes taking turns within
# each round so that a drift of the shared machine touches them alike:
#   default   tracing as shipped: on, every trace sampled, nothing exported (no OTLP endpoint set)
#   disabled  management.tracing.export.enabled=false (README, "Traces")
#   before    BEFORE_JAR, when given: a jar of the code before tracing came in (the reference for "off
#             costs nothing")
# The default mode's http.sh measures the pgbench ceiling first (the others skip it); each run's lines and
# pause logs are kept in bench/out/tracing/MODE.N*. Prints one TRACING line per mode: medians of the runs'
# medians. Usage: [BEFORE_JAR=path] bench/tracing-cost.sh [rounds] [seconds per run] [runs per http.sh]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-3}
DURATION=${2:-10}
RUNS=${3:-3}
DIR="$OUT/tracing"
rm -rf "$DIR"; mkdir -p "$DIR"
MODES=(default disabled)
[ -n "${BEFORE_JAR:-}" ] && MODES+=(before)
build_jar
declare -A OPTS=([default]="" [disabled]="-Dmanagement.tracing.export.enabled=false" [before]="")
declare -A JARS=([default]="$(jar)" [disabled]="$(jar)" [before]="${BEFORE_JAR:-}")
declare -A SKIP=([default]="" [disabled]=1 [before]=1)
for round in $(seq 1 "$ROUNDS"); do
  for mode in "${MODES[@]}"; do
    log "round $round, tracing $mode; load $(cut -d' ' -f1 /proc/loadavg)"
    SKIP_CEILING="${SKIP[$mode]}" GATEWAY_JAR="${JARS[$mode]}" EXTRA_JAVA_OPTS="${OPTS[$mode]}" "$BENCH_DIR/http.sh" "$DURATION" "$RUNS" > "$DIR/$mode.$round.txt" 2> "$DIR/$mode.$round.log"
    mkdir -p "$DIR/$mode.$round"
    cp "$OUT"/http-pauses.log "$OUT"/openloop-slow.* "$DIR/$mode.$round/" 2>/dev/null || true
    log "$(tr '\n' ' ' < "$DIR/$mode.$round.txt")"
  done
done
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
for mode in "${MODES[@]}"; do
  pick() { grep -h "^$1 " "$DIR"/$mode.*.txt | field "$2" | median; }
  echo "TRACING mode=$mode rounds=$ROUNDS accept_rps=$(pick ACCEPT median_rps) accept_p99_ms=$(pick ACCEPT median_p99_ms) openloop_p50_ms=$(pick OPENLOOP median_p50_ms) openloop_p99_ms=$(pick OPENLOOP median_p99_ms) read_rps=$(pick READ median_rps) read_p99_ms=$(pick READ median_p99_ms) peak_rss_mib=$(pick FOOTPRINT peak_rss_mib) ceiling_tps=$(pick RATIO ceiling_median_tps) ratio_pct=$(pick RATIO ratio_pct)"
done
