#!/usr/bin/env bash
# Start-up time, side by side in one run: from JVM launch to the readiness endpoint answering UP
# (200 on /actuator/health/readiness: the gateway can serve), and Spring's own "Started ... (process
# running for X)". Modes of the gateway, all from one jar built with -Paot (Spring AOT):
#   jar                      java -jar target/…jar (Spring Boot's nested-jar launcher)
#   extracted                `-Djarmode=tools extract`: app.jar + lib/, as the Dockerfile lays it out
#   extracted+cache          + a JDK 25 AOT cache (JEP 483/514), trained as the Dockerfile trains it:
#                            no database, gateway.startup.training=true, spring.context.exit=onRefresh
#   extracted+spring-aot     + -Dspring.aot.enabled=true, no cache
#   extracted+spring-aot+cache   both: what the Docker image runs
# and of bench/minimal-app (WebFlux + JPA + Actuator, one entity and one route: the floor of this
# stack on this machine): jar, and extracted+spring-aot+cache (its cache trained against the database:
# it has no training mode). The modes take turns within each round, so that a change of the machine's
# load touches them alike; the load average is printed with each run. -Xmx256m, local profile
# (simulator on, forwarding on), against a schema migrated before the runs (as a scale-out instance
# finds it). Loopback only. PROFILE=1 also records one JFR of the Docker mode's start and prints where
# the main thread spent it. Usage: bench/startup.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${1:-3}
PORT=18480
MGMT=18481
export SIM_PORT=18490
SCHEMA=bench_startup
WORK="$OUT/startup"
require_free_ports $PORT $MGMT $SIM_PORT
# REUSE_GATEWAY=1 keeps the gateway's extracted jar and trained caches of the last run (the minimal
# app is always extracted and trained again).
if [ -z "${REUSE_GATEWAY:-}" ]; then rm -rf "$WORK"; fi
rm -rf "$WORK/min" "$WORK"/*.results; mkdir -p "$WORK"

# The -Paot build goes to a copy of the sources, so that target/classes holds no generated classes;
# it is kept for the next run (BENCH_REBUILD=1 builds again).
BUILD="$OUT/startup-build"
if [ ! -d "$BUILD/target" ] || [ -n "${BENCH_REBUILD:-}" ]; then
  log "building the gateway and the minimal app with -Paot (in $BUILD)"
  rm -rf "$BUILD"; mkdir -p "$BUILD"
  tar -C "$ROOT" --exclude=./target --exclude=./bench/out --exclude=./.git --exclude=./bench/minimal-app/target -cf - . \
    | tar -C "$BUILD" -xf -
  (cd "$BUILD" && ./mvnw -q -B -ntp -Paot -DskipTests package) >&2
fi
if [ ! -d "$BUILD/bench/minimal-app/target" ] || [ -n "${BENCH_REBUILD:-}" ] || [ -n "${REBUILD_MINIMAL:-}" ]; then
  rm -rf "$BUILD/bench/minimal-app"; cp -r "$ROOT/bench/minimal-app" "$BUILD/bench/"; rm -rf "$BUILD/bench/minimal-app/target"
  (cd "$BUILD" && ./mvnw -q -B -ntp -f bench/minimal-app/pom.xml -Paot -DskipTests package) >&2
fi
GATEWAY_JAR=$(ls "$BUILD"/target/runcomfy-gateway-*.jar | grep -v original)
MINIMAL_JAR="$BUILD/bench/minimal-app/target/minimal-app-0.1.0.jar"
mkdir -p "$WORK/gw" "$WORK/min"
[ -n "${REUSE_GATEWAY:-}" ] || (cd "$WORK/gw" && cp "$GATEWAY_JAR" app.jar && "$JAVA" -Djarmode=tools -jar app.jar extract --destination ex >/dev/null)
(cd "$WORK/min" && cp "$MINIMAL_JAR" app.jar && "$JAVA" -Djarmode=tools -jar app.jar extract --destination ex >/dev/null)
GW_X="$WORK/gw/ex/app.jar"
MIN_X="$WORK/min/ex/app.jar"

JVM=(-Xmx256m --enable-native-access=ALL-UNNAMED)
GATEWAY_ARGS=(--spring.profiles.active=local --server.port=$PORT --management.server.port=$MGMT
  --spring.datasource.hikari.schema=$SCHEMA --spring.flyway.schemas=$SCHEMA --gateway.admin-token="$ADMIN_TOKEN"
  --gateway.simulator.port=$SIM_PORT --gateway.outbound.allowed-hosts[0]=127.0.0.1:$SIM_PORT
  --logging.level.root=warn --logging.level.io.genjobs.gateway.GatewayApplication=info)
MINIMAL_ARGS=(--server.port=$PORT --management.server.port=$MGMT --logging.level.root=warn
  --logging.level.bench.minimal.MinimalApplication=info)
TRAINING_ARGS=(--gateway.startup.training=true --spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none
  --gateway.runcomfy.api-token=training --gateway.secrets.key="$(head -c 32 /dev/urandom | base64)"
  --server.port=0 --management.server.port=0)

# The schema, migrated once (a first start), so every measured start only validates it.
fresh_schema $SCHEMA
log "migrating $SCHEMA"
"$JAVA" "${JVM[@]}" -jar "$GW_X" "${GATEWAY_ARGS[@]}" > "$WORK/migrate.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$MGMT/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { tail -20 "$WORK/migrate.log" >&2; exit 1; }; sleep 0.5
done
stop_gateway $pid

log "training the AOT caches"
# As the Dockerfile: no database reachable. Two caches: the classes differ with and without Spring AOT.
if [ -z "${REUSE_GATEWAY:-}" ]; then
  "$JAVA" "${JVM[@]}" -XX:AOTCacheOutput="$WORK/gw/plain.aot" -Dspring.context.exit=onRefresh -jar "$GW_X" \
    "${TRAINING_ARGS[@]}" > "$WORK/train-plain.log" 2>&1
  "$JAVA" "${JVM[@]}" -XX:AOTCacheOutput="$WORK/gw/spring-aot.aot" -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh \
    -jar "$GW_X" "${TRAINING_ARGS[@]}" > "$WORK/train-spring-aot.log" 2>&1
fi
# The minimal app has no training mode: its run connects to the database.
"$JAVA" "${JVM[@]}" -XX:AOTCacheOutput="$WORK/min/spring-aot.aot" -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh \
  -jar "$MIN_X" "${MINIMAL_ARGS[@]}" > "$WORK/train-minimal.log" 2>&1
ls -la "$WORK"/gw/*.aot "$WORK"/min/*.aot >&2

MODES=(jar extracted extracted+cache extracted+spring-aot extracted+spring-aot+cache minimal:jar minimal:extracted+spring-aot+cache)
command_of() {
  case $1 in
    jar) echo "-jar $WORK/gw/app.jar" ;;
    extracted) echo "-jar $GW_X" ;;
    extracted+cache) echo "-XX:AOTCache=$WORK/gw/plain.aot -jar $GW_X" ;;
    extracted+spring-aot) echo "-Dspring.aot.enabled=true -jar $GW_X" ;;
    extracted+spring-aot+cache) echo "-XX:AOTCache=$WORK/gw/spring-aot.aot -Dspring.aot.enabled=true -jar $GW_X" ;;
    minimal:jar) echo "-jar $WORK/min/app.jar" ;;
    minimal:extracted+spring-aot+cache) echo "-XX:AOTCache=$WORK/min/spring-aot.aot -Dspring.aot.enabled=true -jar $MIN_X" ;;
  esac
}

# run_once MODE LOG [extra JVM options]: prints "ready_seconds started_seconds load1".
run_once() {
  local mode=$1 out=$2 extra=${3:-} args
  if [[ $mode == minimal:* ]]; then args=("${MINIMAL_ARGS[@]}"); else args=("${GATEWAY_ARGS[@]}"); fi
  local load start pid ready
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s%N)
  # shellcheck disable=SC2046
  "$JAVA" "${JVM[@]}" $extra $(command_of "$mode") "${args[@]}" > "$out" 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MGMT/actuator/health/readiness")" = 200 ]; do
    kill -0 $pid 2>/dev/null || { log "$mode did not start"; tail -20 "$out" >&2; return 1; }
    sleep 0.05
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  stop_gateway $pid
  printf '%s %s %s\n' "$(echo "scale=2; $ready / 1000" | bc)" \
    "$(sed -n 's/.*Started [A-Za-z]* in [0-9.]* seconds (process running for \([0-9.]*\)).*/\1/p' "$out")" "$load"
}

log "machine: $(machine_info); load: $(cat /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
  for mode in "${MODES[@]}"; do
    line=$(run_once "$mode" "$WORK/${mode//[:+]/_}.$run.log")
    log "$mode run $run: ready/started/load1 $line"
    echo "$line" >> "$WORK/${mode//[:+]/_}.results"
  done
done
for mode in "${MODES[@]}"; do
  f="$WORK/${mode//[:+]/_}.results"
  echo "STARTUP mode=$mode ready_median_s=$(awk '{print $1}' "$f" | median) started_median_s=$(awk '{print $2}' "$f" | median) ready_runs=$(awk '{print $1}' "$f" | paste -sd/) load1=$(awk '{print $3}' "$f" | paste -sd/) target_s=5"
done

if [ -n "${PROFILE:-}" ]; then
  # Where the start-up's time goes: one JFR recording (profile settings) of the Docker mode, its
  # execution samples grouped by the first frame of ours or of a known library on each stack. JFR
  # adds the jdk.jfr module, which the cache was not trained with, so the JVM drops the cache: this
  # profiles the Spring AOT start without the cache, that is the work the cache takes away and what
  # is left.
  run_once extracted+spring-aot+cache "$WORK/profile.log" \
    "-XX:StartFlightRecording=filename=$WORK/startup.jfr,settings=profile -Xlog:class+load:file=$WORK/classes.txt" >/dev/null
  echo "PROFILE classes_loaded=$(wc -l < "$WORK/classes.txt") shared=$(grep -c 'shared' "$WORK/classes.txt" || true)"
  "$(dirname "$JAVA")/jfr" print --events jdk.ExecutionSample --stack-depth 64 "$WORK/startup.jfr" > "$WORK/samples.txt"
  python3 "$BENCH_DIR/startup_profile.py" "$WORK/samples.txt"
fi
