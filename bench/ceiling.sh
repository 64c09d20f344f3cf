#!/usr/bin/env bash
# The database's own ceiling: pgbench inserting one job-like row per transaction (64 clients) into a
# scratch database on the same server, fsync and synchronous_commit as configured (durable writes).
# Usage: bench/ceiling.sh [seconds] [runs]     Prints one line per run and the median.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-20}
RUNS=${2:-3}
DB=bench_ceiling

"${PSQL[@]}" -c "drop database if exists $DB" -c "create database $DB" >/dev/null
psql -h 127.0.0.1 -U postgres -d $DB -q <<'SQL'
create table jobs (
    id uuid primary key, team_id uuid not null, model text not null, status text not null,
    input jsonb not null, sequence integer not null, created_at timestamptz not null, updated_at timestamptz not null);
create index on jobs (team_id, created_at desc, id desc);
create index on jobs (team_id, status, created_at desc, id desc);
create index on jobs (team_id, created_at) where status = 'queued';
SQL
cat > "$OUT/ceiling.sql" <<'SQL'
insert into jobs (id, team_id, model, status, input, sequence, created_at, updated_at)
values (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'bytedance/dreamina-3-0/pro/image-to-video', 'queued',
        '{"prompt": "a lighthouse at dusk", "image_urls": ["http://127.0.0.1:8090/samples/input.jpg"], "seed": -1, "frames": 121}',
        1, now(), now());
SQL
results=()
for run in $(seq 1 "$RUNS"); do
  tps=$(pgbench -h 127.0.0.1 -U postgres -n -c 64 -j 2 -T "$SECONDS_PER_RUN" -f "$OUT/ceiling.sql" $DB 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  log "ceiling run $run: $tps inserts/s"
  results+=("$tps")
done
"${PSQL[@]}" -c "drop database $DB" >/dev/null
echo "CEILING median_tps=$(printf '%s\n' "${results[@]}" | median | xargs printf '%.0f') runs=$RUNS"
