-- Usage reports (spend.UsageReports): an admin report of every team reads the ledger by booked_at
-- alone, which spend_ledger_team_time (team_id first) cannot serve; one team's report still uses that.
create index spend_ledger_time on spend_ledger (booked_at);
