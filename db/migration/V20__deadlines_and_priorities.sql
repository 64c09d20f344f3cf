-- Deadlines and priorities (DESIGN, "Deadlines and priorities").

alter table jobs
    -- The job's rank within its team's share: 0 high, 1 normal, 2 low. A smallint, so that the
    -- claim orders by it directly.
    add column priority        smallint not null default 1 check (priority between 0 and 2),
    -- The client's deadline: still queued then, the job is cancelled (deadline_exceeded).
    add column deadline        timestamptz,
    -- When the deadline work loop looks at the job next: the deadline, then (while RunComfy is
    -- being asked to cancel it) again later; null once nothing is left to do.
    add column deadline_due_at timestamptz;

-- The dispatcher's per-team probe: a team's claimable jobs, highest priority first, then oldest.
-- Partial, like jobs_queued_idx, so it stays as small as the queue.
create index jobs_queued_priority_idx on jobs (team_id, priority, created_at)
    where status = 'queued' and lease_owner is null;

-- The deadline work loop's list: only live jobs with a deadline still to act on, by when.
create index jobs_deadline_due_idx on jobs (deadline_due_at)
    where deadline_due_at is not null and status in ('queued', 'submitted', 'running');
