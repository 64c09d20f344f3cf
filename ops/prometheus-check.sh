#!/usr/bin/env bash
# Runs a real Prometheus (Debian's `prometheus` package) against a real gateway and proves that every
# query of the Grafana dashboard returns data:
#   1. starts the gateway jar (local profile: built-in RunComfy simulator, seeded key) on free loopback
#      ports, against a fresh database on the PostgreSQL at localhost:5432 (dropped afterwards);
#   2. starts Prometheus scraping its management port every second;
#   3. sends bounded traffic for about 40 s: jobs that run to the end (a quarter of them failed by the
#      simulator), refused submissions;
#   4. evaluates every panel expression through Prometheus' HTTP API and reports, per panel, whether
#      it returned at least one finite value.
# Everything it starts is stopped on exit, whatever happens.
#
# Usage: ops/prometheus-check.sh [--allow-missing REGEX]
#   --allow-missing: panels whose title matches REGEX may return no data (e.g. features not built yet).
# Needs: a built jar (./mvnw package) or it builds one; java >= 21; prometheus, curl, jq, psql.
set -euo pipefail
cd "$(dirname "$0")/.."

allow_missing=''
if [ "${1:-}" = "--allow-missing" ]; then allow_missing="${2:?regex expected}"; fi

log() { printf '[prometheus-check] %s\n' "$*"; }
for tool in prometheus curl jq psql python3; do
  command -v "$tool" >/dev/null || { log "$tool is missing (apt-get install prometheus curl jq postgresql-client)"; exit 2; }
done

java_bin=java
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$home/bin/java" ] && "$home/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then java_bin="$home/bin/java"; break; fi
done

jar=$(ls target/runcomfy-gateway-*.jar 2>/dev/null | grep -v plain | head -1 || true)
if [ -z "$jar" ] || [ -n "$(find src db pom.xml -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  log "building the jar"; ./mvnw -q package -DskipTests; jar=$(ls target/runcomfy-gateway-*.jar | head -1)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
api=$(free_port); mgmt=$(free_port); sim=$(free_port); prom=$(free_port)
work=$(mktemp -d)
db="gateway_promcheck_$$"
gateway_pid=''; prometheus_pid=''
cleanup() {
  [ -n "$prometheus_pid" ] && kill "$prometheus_pid" 2>/dev/null && wait "$prometheus_pid" 2>/dev/null || true
  [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -q -h 127.0.0.1 -U postgres -c "create database $db" >/dev/null
log "gateway on 127.0.0.1:$api (management $mgmt, simulator $sim), database $db"
SPRING_PROFILES_ACTIVE=local PORT=$api MANAGEMENT_PORT=$mgmt \
  DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$db" \
  GATEWAY_SIMULATOR_PORT=$sim GATEWAY_OUTBOUND_ALLOWED_HOSTS="127.0.0.1:$sim" \
  GATEWAY_SIMULATOR_QUEUE_DELAY=1s GATEWAY_SIMULATOR_RUN_DELAY=2s GATEWAY_SIMULATOR_FAIL_RATE=0.25 \
  GATEWAY_UPSTREAM_POLL_INTERVAL=250ms GATEWAY_UPSTREAM_MAX_POLL_INTERVAL=1s \
  "$java_bin" --enable-native-access=ALL-UNNAMED -jar "$jar" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$mgmt/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 "$gateway_pid" 2>/dev/null || { log "the gateway stopped:"; tail -20 "$work/gateway.log"; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$mgmt/actuator/health/readiness" >/dev/null || { log "the gateway is not ready after 180 s"; exit 1; }

cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: runcomfy-gateway
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$mgmt"]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:$prom/-/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -sf "http://127.0.0.1:$prom/-/ready" >/dev/null || { log "Prometheus did not start"; tail -5 "$work/prometheus.log"; exit 1; }
log "Prometheus on 127.0.0.1:$prom"

key=rcg_local_dev_key_do_not_use_in_production
body="{\"input\": {\"prompt\": \"A slow tracking shot\", \"image_urls\": [\"http://127.0.0.1:$sim/samples/input.jpg\"]}}"
log "sending traffic for about 40 s"
for i in $(seq 1 20); do
  curl -s -o /dev/null -X POST "http://127.0.0.1:$api/jobs" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body"
  curl -s -o /dev/null -X POST "http://127.0.0.1:$api/jobs" -H 'Content-Type: application/json' -d '{}'
  curl -s -o /dev/null -X POST "http://127.0.0.1:$api/jobs" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d '{"input": {}}'
  curl -s -o /dev/null "http://127.0.0.1:$api/jobs?limit=5" -H "Authorization: Bearer $key"
  sleep 2
done
sleep 5
curl -s "http://127.0.0.1:$api/jobs?limit=100" -H "Authorization: Bearer $key" \
  | jq -r '[.data[].status] | group_by(.) | map("\(.[0]): \(length)") | join(", ") | "jobs: " + .' | sed 's/^/[prometheus-check] /'

failures=0; allowed=0
while IFS=$'\t' read -r title expr; do
  answer=$(curl -s --get "http://127.0.0.1:$prom/api/v1/query" --data-urlencode "query=$expr")
  finite=$(jq '[.data.result[]?.value[1] | select(. != "NaN" and . != "+Inf" and . != "-Inf")] | length' <<<"$answer")
  if [ "$(jq -r .status <<<"$answer")" = success ] && [ "$finite" -gt 0 ]; then
    printf '  OK       %s (%s series)\n' "$title" "$finite"
  elif [ -n "$allow_missing" ] && [[ "$title" =~ $allow_missing ]]; then
    printf '  NO DATA  %s (allowed)\n' "$title"; allowed=$((allowed + 1))
  else
    printf '  NO DATA  %s: %s\n' "$title" "$expr"; failures=$((failures + 1))
  fi
done < <(jq -r '.panels[] | select(.type != "row") | .title as $t | .targets[] | [$t, .expr] | @tsv' \
  ops/grafana/dashboards/runcomfy-gateway.json)

log "$failures panel queries without data, $allowed allowed to be empty"
[ "$failures" -eq 0 ]
