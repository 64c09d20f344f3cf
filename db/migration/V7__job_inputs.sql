-- The full input of a job whose stored input (jobs.input, what views, lists and webhooks show)
-- shortens a data: URI over 1,024 characters. Only the dispatcher reads it, to send the job to
-- RunComfy; a job without a row here is sent with jobs.input.
create table job_inputs (
    job_id uuid primary key references jobs (id) on delete cascade,
    input  jsonb not null
);
