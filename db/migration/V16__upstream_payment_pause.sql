-- RunComfy refused a submit for insufficient balance (HTTP 402, or error_code 400002): dispatch pauses
-- on every instance until a submit is accepted again. While payment_required_since is set no instance
-- claims jobs, except the one whose update moves payment_retry_at past now(): one job is tried per
-- gateway.upstream.payment-retry-interval, all instances together. Both null: no pause.
alter table upstream_pause
    add column payment_required_since timestamptz,
    add column payment_retry_at       timestamptz;
