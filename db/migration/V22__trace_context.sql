-- Traces (DESIGN, "Operations"): one trace per job. The W3C traceparent of the span that accepted the
-- job (job.JobDispatch); every later step on any instance (submit, polls, result, output copying)
-- opens its span as a child of it. Null for jobs accepted before tracing, or with tracing off.
alter table jobs add column trace_parent text;
-- The traceparent current when a webhook event happened: each delivery attempt's span is its child.
alter table webhook_events add column trace_parent text;
