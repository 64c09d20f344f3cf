-- Forwarding jobs to RunComfy: leases for submits, poll scheduling, the global rate limit and the
-- global pause after a 429.

alter table jobs
    -- A queued job with a lease owner is being submitted by that instance. If the lease expires (the
    -- instance died), nobody knows whether RunComfy got the job, so it is not simply sent again.
    add column lease_owner      text,
    add column lease_expires_at timestamptz,
    -- Queued: not to be sent before this (retry back-off). In flight: when to poll next.
    add column next_attempt_at  timestamptz,
    -- How many status polls saw the job still waiting in RunComfy's queue (drives the back-off).
    add column queued_polls     integer not null default 0,
    -- The last status RunComfy reported, as it said it (documented or not).
    add column upstream_status  text,
    -- A cancel asked for while a submit was under way: honoured as soon as the submit resolves.
    add column cancel_requested_at timestamptz;

-- The poller's work list and the in-flight count: only jobs at RunComfy, ordered by when they are due.
-- Partial, so polling costs what is in flight, never what the jobs table holds.
create index jobs_in_flight_idx on jobs (next_attempt_at) where status in ('submitted', 'running');

-- Queued jobs with a submit under way (or orphaned by a dead instance): counted as in flight.
create index jobs_dispatching_idx on jobs (lease_expires_at) where status = 'queued' and lease_owner is not null;

-- Bucket4j's PostgreSQL backend keeps the global upstream token bucket here (one row).
create table upstream_rate_buckets (
    id         bigint primary key,
    state      bytea,
    expires_at bigint
);

-- A 429 from RunComfy pauses every instance's upstream calls until this time.
create table upstream_pause (
    id           integer primary key check (id = 1),
    paused_until timestamptz not null
);
insert into upstream_pause (id, paused_until) values (1, 'epoch');
