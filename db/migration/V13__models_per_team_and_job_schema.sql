-- Which models a team may use, as model ids or '*' globs (team.Team); null lets the team use every
-- model gateway.catalog.enabled-models enables, which is what every existing team keeps.
alter table teams add column allowed_models text[];

-- The schema a job was accepted under (job.JobInserts): the hash of the model's input schema and
-- when that catalog entry was fetched. A later catalog change never re-validates the job; these say
-- what it was checked against. Null for jobs accepted before the catalog was synced.
alter table jobs add column schema_hash text;
alter table jobs add column schema_fetched_at timestamptz;
