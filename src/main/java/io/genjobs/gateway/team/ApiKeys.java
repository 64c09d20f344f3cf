package io.genjobs.gateway.team;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** API keys of all teams. */
interface ApiKeys extends JpaRepository<ApiKey, UUID> {

	/**
	 * The team an active key belongs to, in one query on the unique {@code key_hash}
	 * index. Runs on every authenticated request and is never cached, so that a
	 * revocation holds from the very next request on.
	 */
	@Query("""
			select new io.genjobs.gateway.team.TeamPrincipal(t.id, t.name, t.rateLimitPerSecond, t.maxQueuedJobs)
			from ApiKey k join Team t on t.id = k.teamId
			where k.keyHash = :keyHash and k.revokedAt is null
			""")
	Optional<TeamPrincipal> findActivePrincipal(String keyHash);

	Optional<ApiKey> findByKeyHash(String keyHash);

	/** A team's keys, revoked ones included, oldest first. */
	List<ApiKey> findByTeamIdOrderByCreatedAtAscIdAsc(UUID teamId);

}
