-- Spend and budgets (DESIGN, "Spend and budgets").
-- A team's monthly budget in USD (team.Team); null = no limit, which every existing team keeps.
alter table teams add column monthly_budget_usd numeric(18, 6);

-- A job's cost (job.Job): the estimate made at accept from the catalog price (null when the model has
-- no price or no bound on its duration), and once the job is terminal what it cost and where that
-- figure comes from ('runcomfy': RunComfy's own cost; 'estimate': the estimate, booked for want of one).
alter table jobs add column estimated_cost_usd numeric(18, 6);
alter table jobs add column actual_cost_usd numeric(18, 6);
alter table jobs add column cost_source text;

-- The estimates reserved by a team's unfinished jobs (spend.SpendLedger): written with the job under
-- the team's budget lock, deleted by the job's terminal transition.
create table spend_reservations (
    job_id uuid primary key,
    team_id uuid not null,
    amount_usd numeric(18, 6) not null,
    reserved_at timestamptz not null
);
create index spend_reservations_team on spend_reservations (team_id);

-- Booked costs, append-only (spend.SpendLedger): one row per job that reached RunComfy and ended.
-- No foreign keys: the ledger outlives the jobs that job retention deletes.
create table spend_ledger (
    id bigint generated always as identity primary key,
    job_id uuid not null unique,
    team_id uuid not null,
    model text not null,
    amount_usd numeric(18, 6) not null,
    source text not null,
    booked_at timestamptz not null
);
create index spend_ledger_team_time on spend_ledger (team_id, booked_at);

-- The ledger is append-only: a booked cost is never changed or removed.
create function spend_ledger_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'spend_ledger is append-only';
end
$$;
create trigger spend_ledger_append_only before update or delete on spend_ledger
    for each statement execute function spend_ledger_append_only();
