-- Fair webhook claims (webhook.DeliveryQueue.claim): delivery slots are shared between teams as well
-- as between consumer hosts, so the claim's work list walks the (host, team) pairs that have pending
-- deliveries (one probe per pair, however deep a pair's backlog) and takes each pair's oldest due rows.
-- Partial, as before: only pending rows, so it stays as small as the backlog.
drop index webhook_deliveries_pending_idx;
create index webhook_deliveries_pending_idx on webhook_deliveries (target_host, team_id, next_attempt_at)
    where status = 'pending';

-- Attempts in flight, counted per host (the per-host cap) and per team (a team with many attempts in
-- flight waits behind teams with fewer) by every claim.
drop index webhook_deliveries_leased_idx;
create index webhook_deliveries_leased_idx on webhook_deliveries (target_host, team_id)
    where status = 'pending' and lease_token is not null;
