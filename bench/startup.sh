#!/usr/bin/env bash
# Start-up time: from JVM launch to "Started GatewayApplication" (Spring's "process running for"),
# N runs each: the executable jar as built; the jar extracted as the Dockerfile runs it
# (`-Djarmode=tools extract`); and extracted with a JDK 25 AOT cache (JEP 483/514) trained by one run
# that exits after the context refreshed. -Xmx256m, local profile, forwarding on. Loopback only.
# Usage: bench/startup.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${1:-5}
PORT=18280
MGMT=18281
export SIM_PORT=18290
build_jar

measure() {
  local label=$1 opts=$2 values=()
  for run in $(seq 1 "$RUNS"); do
    fresh_schema bench_startup
    local pid
    pid=$(JAVA_OPTS="-Xmx256m $opts" start_gateway startup $PORT $MGMT bench_startup --logging.level.io.genjobs.gateway.GatewayApplication=info)
    local seconds
    seconds=$(sed -n 's/.*Started GatewayApplication in [0-9.]* seconds (process running for \([0-9.]*\)).*/\1/p' "$OUT/startup.log")
    stop_gateway "$pid"
    log "$label run $run: ${seconds}s"
    values+=("$seconds")
  done
  echo "STARTUP mode=$label median_s=$(printf '%s\n' "${values[@]}" | median) runs=$RUNS"
}

measure plain ""
rm -rf "$OUT/extracted"
"$JAVA" -Djarmode=tools -jar "$(jar)" extract --destination "$OUT/extracted" > /dev/null
export GATEWAY_JAR="$OUT/extracted/$(basename "$(jar)")"
measure extracted ""
fresh_schema bench_startup
log "training the AOT cache"
"$JAVA" -Xmx256m -XX:AOTCacheOutput="$OUT/gateway.aot" -Dspring.context.exit=onRefresh -jar "$GATEWAY_JAR" \
  --spring.profiles.active=local --server.port=$PORT --management.server.port=$MGMT \
  --spring.datasource.hikari.schema=bench_startup --spring.flyway.schemas=bench_startup \
  --gateway.simulator.port=$SIM_PORT > "$OUT/aot-training.log" 2>&1 || true
measure extracted+aot-cache "-XX:AOTCache=$OUT/gateway.aot"
