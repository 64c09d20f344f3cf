-- Job retention (job.JobRetention) deletes terminal jobs oldest first; live jobs never enter this
-- index. The predicate matches the statement's literal list of terminal states.
create index jobs_finished_idx on jobs (completed_at) where status in ('succeeded', 'failed', 'cancelled');
