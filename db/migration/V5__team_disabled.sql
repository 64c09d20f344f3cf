-- An admin can disable a team: from disabled_at on its keys are refused (403 team-disabled) and its
-- queued jobs wait; enabling it clears the column. Null for every existing team: all stay enabled.
alter table teams add column disabled_at timestamptz;
