#!/usr/bin/env bash
# Checks the packaging as far as this machine allows, without a Docker engine or a cluster:
#   - docker-compose.yml is a valid Compose file (Debian's docker-compose, installed if missing);
#   - the Prometheus config is valid (promtool, from Debian's prometheus, when present);
#   - every YAML and JSON file under ops/ parses, and the ports, probe paths and shutdown timing of the
#     Dockerfile, compose file, Prometheus config and Kubernetes manifests match application.yaml
#     (PackagingTests), and every dashboard metric is exported by a working gateway
#     (DashboardMetricsTests).
# Usage: ops/check.sh        Exits non-zero on the first failed check.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[check] %s\n' "$*"; }

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing docker-compose (Debian package)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  else
    log "docker-compose is missing: install it (apt-get install docker-compose)"; exit 1
  fi
fi
log "docker-compose config"
docker-compose -f docker-compose.yml config -q

if command -v promtool >/dev/null 2>&1; then
  log "promtool check config"
  promtool check config ops/prometheus/prometheus.yml >/dev/null
else
  log "promtool not installed (apt-get install prometheus): Prometheus config syntax left to PackagingTests"
fi

if command -v jq >/dev/null 2>&1; then
  for file in ops/grafana/dashboards/*.json; do jq empty "$file"; done
  log "dashboards are valid JSON"
fi

log "PackagingTests and DashboardMetricsTests"
./mvnw -q test -Dtest='io.genjobs.gateway.ops.PackagingTests,io.genjobs.gateway.ops.DashboardMetricsTests' \
  -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
log "all checks passed"
