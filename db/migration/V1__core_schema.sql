-- Core schema: teams and their API keys, jobs and each job's state history.

-- Team names are unique as written (after trimming, which the gateway does); the constraint is named
-- so that a concurrent duplicate can be told apart from other violations and answered 409.
create table teams (
    id                    uuid primary key,
    name                  text        not null
        constraint teams_name_uq unique
        check (char_length(name) between 1 and 100),
    rate_limit_per_second integer     not null check (rate_limit_per_second > 0),
    max_queued_jobs       integer     not null check (max_queued_jobs > 0),
    created_at            timestamptz not null,
    updated_at            timestamptz not null
);

-- Keys are stored only as a SHA-256 hash (they are 256-bit random, so a fast hash is enough);
-- the lookup on every request goes through the unique index on key_hash.
create table api_keys (
    id         uuid primary key,
    team_id    uuid        not null references teams (id),
    key_hash   text        not null unique,
    key_prefix text        not null,
    created_at timestamptz not null,
    revoked_at timestamptz
);

create index api_keys_team_idx on api_keys (team_id);

create table jobs (
    id                      uuid primary key,
    team_id                 uuid        not null references teams (id),
    model                   text        not null,
    status                  text        not null
        check (status in ('queued', 'submitted', 'running', 'succeeded', 'failed', 'cancelled')),
    input                   jsonb       not null,
    output                  jsonb,
    error_code              text,
    error_message           text,
    metadata                jsonb,
    webhook_url             text,
    webhook_events          jsonb,
    upstream_request_id     text,
    upstream_queue_position integer,
    attempts                integer     not null default 0,
    sequence                integer     not null,
    -- Optimistic lock for every update (state changes and progress such as queue_position alike);
    -- sequence only counts state changes, which is what consumers see.
    version                 bigint      not null default 0,
    idempotency_key         text,
    request_hash            text,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    submitted_at            timestamptz,
    completed_at            timestamptz
);

-- One job per (team, Idempotency-Key): concurrent retries with one key race on this index and all
-- but one lose, then read the winner.
create unique index jobs_idempotency_key_uq on jobs (team_id, idempotency_key)
    where idempotency_key is not null;

-- GET /jobs: newest first per team, keyset pagination on (created_at, id).
create index jobs_team_created_idx on jobs (team_id, created_at desc, id desc);

-- GET /jobs?status=...: the same order within one status.
create index jobs_team_status_created_idx on jobs (team_id, status, created_at desc, id desc);

-- Only queued jobs: the per-team queued cap counts these, and dispatch claims from here. A partial
-- index stays as small as the queue however large the table grows.
create index jobs_queued_idx on jobs (team_id, created_at) where status = 'queued';

-- Every state change of a job, in order. sequence matches the job's sequence after the change.
create table job_transitions (
    job_id      uuid        not null references jobs (id) on delete cascade,
    sequence    integer     not null,
    from_status text,
    to_status   text        not null,
    reason      text,
    occurred_at timestamptz not null,
    primary key (job_id, sequence)
);
