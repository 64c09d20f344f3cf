-- Budget alerts (DESIGN, "Spend and budgets", "Alerts"): a team's endpoints get budget.threshold_reached
-- once per threshold (0.8, 1.0) per calendar month (UTC), counted on booked spend.

-- The thresholds each team's booked spend has reached, per month (spend.BudgetThresholds). The primary
-- key makes "once per threshold per month" hold on any number of instances: the booking that first
-- reaches a threshold inserts its row (insert ... on conflict do nothing) and writes the event in the
-- same transaction; every later booking of the month finds the row there. Rows are kept as history.
create table budget_alerts (
    team_id      uuid           not null,
    -- The first day (UTC) of the calendar month the spend was booked in.
    period_start date           not null,
    threshold    numeric(3, 2)  not null check (threshold in (0.8, 1.0)),
    -- The budget and the month's booked spend when the threshold was reached.
    budget_usd   numeric(18, 6) not null,
    spent_usd    numeric(18, 6) not null,
    reached_at   timestamptz    not null,
    primary key (team_id, period_start, threshold)
);

-- A budget event belongs to a team, not to a job: events and deliveries may have no job. Job events
-- keep theirs (checked for new rows; every existing row has one, so NOT VALID skips a table scan).
alter table webhook_events alter column job_id drop not null;
alter table webhook_events alter column sequence drop not null;
alter table webhook_events add constraint webhook_events_job_event_has_job
    check (type not like 'job.%' or (job_id is not null and sequence is not null)) not valid;
alter table webhook_deliveries alter column job_id drop not null;

-- Endpoints registered without `events` got every event there was: all five job events. They get the
-- budget event too, as endpoints registered without `events` from now on do.
update webhook_endpoints
set events = events || '["budget.threshold_reached"]'::jsonb
where events @> '["job.submitted", "job.running", "job.succeeded", "job.failed", "job.cancelled"]'::jsonb
  and not events @> '["budget.threshold_reached"]'::jsonb;
