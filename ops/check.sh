#!/usr/bin/env bash
# Checks the packaging as far as this machine allows, without a Docker engine or a cluster:
#   - docker-compose.yml is a valid Compose file when its passwords are set, and refuses to start when
#     they are not (Debian's docker-compose, installed if missing);
#   - the Prometheus config and its alert rules are valid, and every alert fires on the synthetic series
#     of ops/prometheus/alerts.test.yml (promtool, from Debian's prometheus, installed if missing);
#   - every YAML and JSON file under ops/ parses, and the ports, probe paths, shutdown timing, security
#     context, memory and connection budgets, network policy and alert rules of the Dockerfile, compose
#     file, Prometheus config and Kubernetes manifests hold together with application.yaml
#     (PackagingTests), and every dashboard metric is exported by a working gateway
#     (DashboardMetricsTests).
# Usage: ops/check.sh        Exits non-zero on the first failed check.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[check] %s\n' "$*"; }
# Runs a command silently, showing its output only when it fails.
quiet() { local output; output=$("$@" 2>&1) || { printf '%s\n' "$output"; return 1; }; }

apt_updated=''
install_debian() { # package, the command it provides
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $1 (Debian package)"
    [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=yes; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
  else
    log "$2 is missing: install it (apt-get install $1)"; exit 1
  fi
}
command -v docker-compose >/dev/null 2>&1 || install_debian docker-compose docker-compose
command -v promtool >/dev/null 2>&1 || install_debian prometheus promtool

# Dummy values: the file must take every secret from the environment, with no default (an empty env
# file keeps a developer's .env out of the check).
no_env_file=$(mktemp); trap 'rm -f "$no_env_file"' EXIT
log "docker-compose config (with POSTGRES_PASSWORD, GATEWAY_ADMIN_TOKEN, GATEWAY_SECRETS_KEY, GRAFANA_ADMIN_PASSWORD, MINIO_ROOT_PASSWORD set)"
POSTGRES_PASSWORD=check-postgres-password GATEWAY_ADMIN_TOKEN=check-admin-token-of-at-least-32-chars \
  GATEWAY_SECRETS_KEY=Y2hlY2stc2VjcmV0cy1rZXktb2YtMzItYnl0ZXMhISE= \
  GRAFANA_ADMIN_PASSWORD=check-grafana-password MINIO_ROOT_PASSWORD=check-minio-password \
  docker-compose --env-file "$no_env_file" -f docker-compose.yml config -q
secrets=(POSTGRES_PASSWORD GATEWAY_ADMIN_TOKEN GATEWAY_SECRETS_KEY GRAFANA_ADMIN_PASSWORD MINIO_ROOT_PASSWORD)
for missing in "${secrets[@]}"; do
  others=()
  for variable in "${secrets[@]}"; do [ "$variable" = "$missing" ] || others+=("$variable=x"); done
  if env -u "$missing" "${others[@]}" \
    docker-compose --env-file "$no_env_file" -f docker-compose.yml config -q >/dev/null 2>&1; then
    log "docker-compose.yml starts without $missing: it must have no default"; exit 1
  fi
done
log "docker-compose refuses to start without each of them"

log "promtool check config (and the rule files it loads)"
quiet promtool check config ops/prometheus/prometheus.yml
log "promtool check rules"
quiet promtool check rules ops/prometheus/alerts.yml
log "promtool test rules"
quiet promtool test rules ops/prometheus/alerts.test.yml

if command -v jq >/dev/null 2>&1; then
  for file in ops/grafana/dashboards/*.json; do jq empty "$file"; done
  log "dashboards are valid JSON"
fi

log "PackagingTests and DashboardMetricsTests"
./mvnw -q test -Dtest='io.genjobs.gateway.ops.PackagingTests,io.genjobs.gateway.ops.DashboardMetricsTests' \
  -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
log "all checks passed"
