-- The catalog synced from RunComfy (catalog.CatalogStore): every instance serves this copy, and a
-- restart while RunComfy is away still has it. One row per model id RunComfy ever listed; entry is
-- RunComfy's own JSON for it, as last fetched. A model RunComfy no longer lists keeps its row with
-- listed = false (it shows as unavailable) instead of vanishing.
create table catalog_models (
    id          text        primary key,
    entry       jsonb       not null,
    -- SHA-256 (hex) of the entry's input_schema in canonical form: what a job records it was
    -- validated against, and how an instance tells a changed schema from an unchanged one.
    schema_hash text        not null,
    fetched_at  timestamptz not null,
    listed      boolean     not null default true,
    unlisted_at timestamptz
);

-- The one row that coordinates syncing between instances: an instance syncs only while it holds
-- the lease (taken with a conditional update, so one instance at a time), and a sync writes only if
-- its lease is still its own. version grows with every sync that wrote the models, so the other
-- instances know to reload them.
create table catalog_sync (
    id                   smallint    primary key check (id = 1),
    version              bigint      not null default 0,
    next_sync_at         timestamptz not null default '-infinity',
    lease_owner          text,
    lease_until          timestamptz,
    last_attempt_at      timestamptz,
    last_success_at      timestamptz,
    last_failure_at      timestamptz,
    last_failure         text,
    consecutive_failures integer     not null default 0,
    listed_models        integer     not null default 0
);
insert into catalog_sync (id) values (1);
