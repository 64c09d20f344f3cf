-- Polls that learn (DESIGN, "Forwarding and resilience"): how long each model's jobs take, shared by
-- every instance, and what the poller needs to count a job's calls and to estimate detection lag.

-- Running estimates per model: an exponentially weighted mean and variance of the natural log of the
-- durations in seconds (log-normal). total: submit to RunComfy's finish; queue: submit to the first
-- poll that saw the job running; run: the rest. Updated when a job finishes at RunComfy, one upsert
-- per job; each instance reads the whole (small: one row per model used) table every few seconds.
create table model_timings (
    model          text primary key,
    samples        bigint           not null,
    total_log_mean double precision not null,
    total_log_var  double precision not null,
    run_samples    bigint           not null default 0,
    queue_log_mean double precision,
    queue_log_var  double precision,
    run_log_mean   double precision,
    run_log_var    double precision,
    updated_at     timestamptz      not null
);

alter table jobs
    -- Polls claimed for the job (each is one RunComfy call, or two where the status endpoint is read).
    add column upstream_polls integer not null default 0,
    -- When the job was last claimed for a poll: half the time since then estimates detection lag
    -- when RunComfy gives no finished_at.
    add column last_polled_at timestamptz;
