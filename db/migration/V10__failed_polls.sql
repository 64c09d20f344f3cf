-- Polls of a job at RunComfy that failed in a row (no answer, 5xx, breaker open): the next poll backs
-- off from gateway.upstream.poll-interval by this count; any answered poll resets it.
alter table jobs add column failed_polls integer not null default 0;
