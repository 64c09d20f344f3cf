# Shared by the benchmark and chaos scripts: build the jar once, start and stop gateway instances on
# loopback against a scratch schema, create a team with limits out of the way. Source it; do not run it.
# Everything here talks to 127.0.0.1 only.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
mkdir -p "$OUT"
ADMIN_TOKEN=bench-admin-token
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -qAt)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

java_home() {
  local home
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] || continue
    local major
    major=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
    [ -n "$major" ] && [ "$major" -ge 21 ] && { printf '%s' "$home"; return; }
  done
}
JAVA="$(java_home)/bin/java"

jar() { ls "$ROOT"/target/runcomfy-gateway-*.jar 2>/dev/null | grep -v original | head -1; }

build_jar() {
  if [ -z "$(jar)" ] || [ -n "${BENCH_REBUILD:-}" ]; then
    log "building the jar"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package) >&2
  fi
}

# fresh_schema NAME: drops and recreates nothing but that schema (Flyway creates it again).
fresh_schema() { "${PSQL[@]}" -c "drop schema if exists $1 cascade" >/dev/null; }

# start_gateway NAME PORT MGMT_PORT SCHEMA [--extra.setting=value ...]: starts an instance in the
# background (local profile: the simulator is on, on SIM_PORT), waits until it answers, prints its pid.
start_gateway() {
  local name=$1 port=$2 mgmt=$3 schema=$4
  shift 4
  local sim_port=${SIM_PORT:-8090}
  "$JAVA" ${JAVA_OPTS:--Xmx256m} -jar "${GATEWAY_JAR:-$(jar)}" \
    --spring.profiles.active=local \
    --server.port="$port" --management.server.port="$mgmt" \
    --spring.datasource.hikari.schema="$schema" --spring.flyway.schemas="$schema" \
    --gateway.admin-token="$ADMIN_TOKEN" \
    --gateway.simulator.port="$sim_port" \
    --gateway.outbound.allowed-hosts[0]=127.0.0.1:"$sim_port" \
    --gateway.outbound.allowed-hosts[1]=127.0.0.1:"${CONSUMER_PORT:-18099}" \
    --logging.level.root=warn --logging.level.io.genjobs=warn \
    "$@" > "$OUT/$name.log" 2>&1 &
  local pid=$!
  local waited=0
  until curl -sf "http://127.0.0.1:$mgmt/actuator/health/liveness" >/dev/null 2>&1; do
    sleep 0.2; waited=$((waited + 1))
    if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -gt 600 ]; then
      log "gateway $name did not start; see $OUT/$name.log"; tail -20 "$OUT/$name.log" >&2; return 1
    fi
  done
  printf '%s' "$pid"
}

stop_gateway() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }

# bench_team PORT: a team whose inbound limits never interfere; prints its API key.
bench_team() {
  local port=$1 id
  id=$(curl -sf -X POST "http://127.0.0.1:$port/admin/teams" -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"name\": \"bench-$RANDOM$RANDOM\", \"rate_limit_per_second\": 1000000, \"max_queued_jobs\": ${MAX_QUEUED:-1000000}}" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
  curl -sf -X POST "http://127.0.0.1:$port/admin/teams/$id/keys" -H "Authorization: Bearer $ADMIN_TOKEN" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["key"])'
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }

# ---- Chaos helpers (bench/chaos-*.sh). Added for those scripts; nothing above depends on them. ----

CHAOS_PIDS=()

# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_ports() {
  local port
  for port in "$@"; do
    port_free "$port" || { log "port $port on 127.0.0.1 is taken; is another run going?"; return 1; }
  done
}

# stop_pid PID [SIGNAL]: sends SIGNAL (TERM) and waits up to 100 s (the gateway's grace period, as
# docker-compose's stop_grace_period) for the process to go, then KILLs it.
# Works for processes that are not children of this shell (started inside $(...)).
stop_pid() {
  local pid=$1 signal=${2:-TERM} waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -s "$signal" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2; waited=$((waited + 1))
    if [ "$waited" -eq 500 ]; then kill -9 "$pid" 2>/dev/null || true; fi
    if [ "$waited" -gt 550 ]; then log "process $pid would not end"; return 1; fi
  done
}

# chaos_cleanup: stops every pid in CHAOS_PIDS, newest first (for an EXIT trap).
chaos_cleanup() {
  local i
  for ((i = ${#CHAOS_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${CHAOS_PIDS[$i]}" || true; done
}

# start_simulator NAME PORT [--setting=value ...]: the RunComfy simulator as a process of its own
# (RunComfySimulatorMain; settings are gateway.simulator.* without the prefix); prints its pid once
# its test-only stats endpoint answers.
start_simulator() {
  local name=$1 port=$2
  shift 2
  "$JAVA" -Xmx256m --enable-native-access=ALL-UNNAMED -cp "$(jar)" \
    -Dloader.main=io.genjobs.gateway.upstream.simulator.RunComfySimulatorMain \
    org.springframework.boot.loader.launch.PropertiesLauncher --port="$port" "$@" > "$OUT/$name.log" 2>&1 &
  local pid=$! waited=0
  until curl -sf "http://127.0.0.1:$port/_simulator/stats" >/dev/null 2>&1; do
    sleep 0.2; waited=$((waited + 1))
    if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -gt 300 ]; then
      log "simulator $name did not start; see $OUT/$name.log"; tail -20 "$OUT/$name.log" >&2; return 1
    fi
  done
  printf '%s' "$pid"
}

# sim_stats PORT: the simulator's counters as JSON.
sim_stats() { curl -sf "http://127.0.0.1:$1/_simulator/stats"; }

# start_consumer NAME PORT FILE: the loopback webhook consumer (bench/webhook_consumer.py), appending
# to FILE; prints its pid once it accepts connections.
start_consumer() {
  local name=$1 port=$2 file=$3
  python3 "$BENCH_DIR/webhook_consumer.py" --port "$port" --out "$file" > "$OUT/$name.log" 2>&1 &
  local pid=$! waited=0
  until ! port_free "$port"; do
    sleep 0.1; waited=$((waited + 1))
    if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -gt 100 ]; then
      log "consumer $name did not start; see $OUT/$name.log"; return 1
    fi
  done
  printf '%s' "$pid"
}

# machine_info: one line describing this machine, for docs/benchmarks.md.
machine_info() {
  printf 'nproc=%s mem=%s kernel=%s jdk=%s postgres=%s' "$(nproc)" \
    "$(free -h | awk '/^Mem:/ {print $2}')" "$(uname -r)" \
    "$("$JAVA" -version 2>&1 | head -1 | tr ' ' '_')" \
    "$("${PSQL[@]}" -c 'show server_version' | cut -d' ' -f1)"
}

# wait_for_idle_tests MAX_SECONDS: waits until no Maven test JVM (surefire) has run on this machine
# for 10 s in a row, at most MAX_SECONDS; fails if they never stop. Other worktrees' test suites use
# this machine's PostgreSQL: anything that restarts it must wait for them.
wait_for_idle_tests() {
  local deadline=$(($(date +%s) + $1)) quiet=0 said=
  while [ "$quiet" -lt 10 ]; do
    if pgrep -f surefire >/dev/null; then
      quiet=0
      [ -n "$said" ] || { log "waiting for other Maven test runs (surefire) to finish"; said=1; }
    else
      quiet=$((quiet + 1))
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { log "Maven tests still running after $1 s"; return 1; }
    sleep 1
  done
}
