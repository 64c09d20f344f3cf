-- Webhooks (Standard Webhooks v1): team endpoints, team signing secrets, and the outbox of events,
-- deliveries and attempts that the delivery workers drain.

-- A team's endpoints: each has its own signing secret and event filter. A 410 Gone answer disables an
-- endpoint (disabled_at); deleting it removes the row (deliveries keep endpoint_id and url as history).
create table webhook_endpoints (
    id          uuid primary key,
    team_id     uuid        not null references teams (id),
    url         text        not null,
    -- The event types it subscribes to, a JSON array of wire names such as ["job.succeeded"].
    events      jsonb       not null,
    secret      text        not null,
    created_at  timestamptz not null,
    disabled_at timestamptz
);

-- GET /webhooks/endpoints, and the outbox's look-up of a team's subscribed endpoints on every event.
create index webhook_endpoints_team_idx on webhook_endpoints (team_id, created_at, id);

-- The team's secret, which signs deliveries to jobs' own webhook_url. After a rotation the previous
-- secret keeps signing too (a second signature) until previous_expires_at.
create table webhook_team_secrets (
    team_id             uuid primary key references teams (id),
    secret              text        not null,
    previous_secret     text,
    previous_expires_at timestamptz,
    created_at          timestamptz not null,
    rotated_at          timestamptz
);

-- One row per event: id is the webhook-id consumers dedupe by; payload holds the exact bytes every
-- attempt sends and signs, serialised once when the state change committed.
create table webhook_events (
    id         text primary key,
    team_id    uuid        not null,
    job_id     uuid        not null references jobs (id) on delete cascade,
    type       text        not null,
    sequence   integer     not null,
    payload    bytea       not null,
    created_at timestamptz not null
);

-- Retention deletes events past their age in created_at order, in batches.
create index webhook_events_created_idx on webhook_events (created_at);

-- One row per (event, target). endpoint_id is null for a job's own webhook_url (team secret).
-- A pending delivery is due at next_attempt_at; a worker that claims it holds it until
-- lease_expires_at (lease_token names the claim, so a late answer from a worker whose lease ran out is
-- not recorded over the one that took over).
create table webhook_deliveries (
    id               uuid primary key,
    event_id         text        not null references webhook_events (id) on delete cascade,
    team_id          uuid        not null,
    job_id           uuid        not null,
    event_type       text        not null,
    endpoint_id      uuid,
    url              text        not null,
    -- host:port of url: slow or dead consumers are capped per host, so they cannot take every worker.
    target_host      text        not null,
    status           text        not null check (status in ('pending', 'delivered', 'failed')),
    attempt_count    integer     not null default 0,
    -- 1 + the retry schedule's length; a manual retry of a failed delivery allows exactly one more.
    attempts_allowed integer     not null,
    next_attempt_at  timestamptz,
    lease_token      uuid,
    lease_expires_at timestamptz,
    created_at       timestamptz not null,
    finished_at      timestamptz,
    check ((status = 'pending') = (next_attempt_at is not null)),
    check ((status = 'pending') = (finished_at is null))
);

-- The claim's work list: only pending rows, by host then due time, so a worker's claim walks the
-- hosts with work (one probe each) and takes each host's oldest due rows. Partial, so it stays as
-- small as the backlog however many delivered rows the table holds.
create index webhook_deliveries_pending_idx on webhook_deliveries (target_host, next_attempt_at)
    where status = 'pending';

-- Attempts in flight (a few per worker), counted per host by every claim.
create index webhook_deliveries_leased_idx on webhook_deliveries (target_host)
    where status = 'pending' and lease_token is not null;

-- The delivery log, newest first per team with keyset pagination on (created_at, id) ...
create index webhook_deliveries_team_created_idx on webhook_deliveries (team_id, created_at desc, id desc);
-- ... filtered by status pending or failed: partial, because those are the few rows worth finding
-- among the many delivered ones (status=delivered uses the index above) ...
create index webhook_deliveries_team_unfinished_idx on webhook_deliveries (team_id, status, created_at desc, id desc)
    where status <> 'delivered';
-- ... and filtered by job.
create index webhook_deliveries_job_idx on webhook_deliveries (job_id, created_at desc, id desc);

-- The foreign key's own index: cascading deletes of events, and retention's "no delivery left" check.
create index webhook_deliveries_event_idx on webhook_deliveries (event_id);

-- Retention: finished deliveries by age, oldest first. Partial, so pending rows never enter it.
create index webhook_deliveries_finished_idx on webhook_deliveries (finished_at) where status <> 'pending';

-- An endpoint's pending deliveries, failed at once when the endpoint is disabled or deleted.
create index webhook_deliveries_endpoint_pending_idx on webhook_deliveries (endpoint_id)
    where status = 'pending' and endpoint_id is not null;

-- Every attempt of a delivery, for the delivery log. Deleted with their delivery.
create table webhook_attempts (
    delivery_id  uuid        not null references webhook_deliveries (id) on delete cascade,
    number       integer     not null,
    attempted_at timestamptz not null,
    status_code  integer,
    error        text,
    primary key (delivery_id, number)
);
