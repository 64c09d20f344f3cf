-- Outputs the gateway keeps (DESIGN, "Outputs the gateway keeps").

-- A job's outputs (job.JobOutputs). RunComfy's own output, as it answered it; the files the gateway
-- copied of it, in the order of the output's URLs ([{"content_type", "bytes", "sha256"}]); warnings
-- ([{"code", "message"}]).
alter table jobs add column upstream_output jsonb;
alter table jobs add column assets jsonb;
alter table jobs add column warnings jsonb;
-- While RunComfy is done with a job but its files are still being copied, the job stays `running`
-- with outputs_due_at set: when the next copy attempt is due, or, while one is under way, until when
-- the instance making it holds it (pushed forward while it works; a crashed instance's copy is due
-- again once that passes, on any instance). outputs_pending_since starts gateway.storage.copy-timeout.
alter table jobs add column outputs_pending_since timestamptz;
alter table jobs add column outputs_due_at timestamptz;
alter table jobs add column output_copy_attempts integer not null default 0;
-- The copy claim reads only the jobs whose outputs are being copied.
create index jobs_outputs_due_idx on jobs (outputs_due_at) where outputs_due_at is not null;

-- A team's own retention of output files (team.Team), in seconds; null = gateway.storage.retention.
alter table teams add column output_retention_seconds bigint;

-- The files in the output store (storage.StoredOutputs): one row per stored file, deleted with the
-- file by retention. delete_started_at marks a row whose file a retention round is deleting (a round
-- that died is taken over after a while). No foreign key: job retention may delete a job first.
create table stored_outputs (
    object_key text primary key,
    job_id uuid not null,
    n integer not null,
    team_id uuid not null,
    bytes bigint not null,
    stored_at timestamptz not null,
    delete_started_at timestamptz
);
create unique index stored_outputs_job_n_uq on stored_outputs (job_id, n);
-- Retention reads the oldest first.
create index stored_outputs_stored_at_idx on stored_outputs (stored_at);
