package io.genjobs.gateway.job;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** All jobs. Listing with filters and keyset pagination is in {@link JobListing}. */
interface Jobs extends JpaRepository<Job, UUID> {

	Optional<Job> findByIdAndTeamId(UUID id, UUID teamId);

	Optional<Job> findByTeamIdAndIdempotencyKey(UUID teamId, String idempotencyKey);

	/**
	 * How many of a team's jobs are queued, counting no further than {@code limit}: the
	 * scan of the partial index {@code jobs_queued_idx} stops there, so the check stays
	 * cheap however deep the queue is.
	 */
	@Query(value = """
			select count(*) from (
			    select 1 from jobs where team_id = :teamId and status = 'queued' limit :limit
			) as queued""", nativeQuery = true)
	int countQueuedUpTo(UUID teamId, int limit);

	/**
	 * Serialises the queued-cap check of one team's concurrent requests, until the
	 * transaction ends.
	 */
	@Query(value = "select 1 from (select pg_advisory_xact_lock(hashtextextended(cast(:teamId as text), 7301))) as lock",
			nativeQuery = true)
	int lockTeamQueue(UUID teamId);

}
