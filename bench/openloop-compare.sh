#!/usr/bin/env bash
# Two gateway jars side by side at a fixed rate: bench/openloop-waits.sh for jar A, then for jar B, in
# turn for ROUNDS rounds (so both meet the machine in the same states), each run's full output kept in
# bench/out/compare.<label>.<round>, then one line per run and the medians per jar.
# Usage: bench/openloop-compare.sh LABEL_A JAR_A LABEL_B JAR_B [rounds] [rate] [seconds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LABEL_A=$1 JAR_A=$2 LABEL_B=$3 JAR_B=$4
ROUNDS=${5:-3}
RATE=${6:-300}
SECONDS_RUN=${7:-20}
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    label=LABEL_$side jar=JAR_$side
    log "round $round: ${!label}"
    GATEWAY_JAR=${!jar} WARMUP=${WARMUP:-40} "$BENCH_DIR/openloop-waits.sh" "$RATE" "$SECONDS_RUN" \
      > "$OUT/compare.${!label}.$round"
  done
done
field() { grep -o "$2=[0-9.]*" "$1" | head -1 | cut -d= -f2; }
for label in "$LABEL_A" "$LABEL_B"; do
  for round in $(seq 1 "$ROUNDS"); do
    f="$OUT/compare.$label.$round"
    top=$(sed -n '/^BACKENDS/,$p' "$f" | awk '$2 == "active" {print; exit}')
    printf 'RUN %s round=%s p50_ms=%s p90_ms=%s p99_ms=%s server_mean_ms=%s acquires_per_request=%s acquire_ms=%s held_ms=%s top_wait="%s"\n' \
      "$label" "$round" "$(field "$f" p50_ms)" "$(field "$f" p90_ms)" "$(field "$f" p99_ms)" "$(field "$f" mean_ms)" \
      "$(field "$f" pool_acquires_per_request)" "$(field "$f" acquire_ms_per_request)" "$(field "$f" held_ms_per_request)" "$top"
  done
done | tee "$OUT/compare.runs"
for label in "$LABEL_A" "$LABEL_B"; do
  printf 'MEDIAN %s' "$label"
  for key in p50_ms p90_ms p99_ms server_mean_ms acquires_per_request held_ms; do
    printf ' %s=%s' "$key" "$(grep "^RUN $label " "$OUT/compare.runs" | grep -o " $key=[0-9.]*" | cut -d= -f2 | median)"
  done
  echo
done
