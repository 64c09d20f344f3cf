package io.genjobs.gateway.team;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** API keys of all teams. */
interface ApiKeys extends JpaRepository<ApiKey, UUID> {

	/**
	 * The team an active key belongs to (disabled or not), in one query on the unique
	 * {@code key_hash} index. Runs for every key that {@link KeyCache} does not hold.
	 */
	@Query("""
			select new io.genjobs.gateway.team.KeyOwner(t.id, t.name, t.rateLimitPerSecond, t.maxQueuedJobs,
				t.disabledAt, t.allowedModels, t.monthlyBudgetUsd)
			from ApiKey k join Team t on t.id = k.teamId
			where k.keyHash = :keyHash and k.revokedAt is null
			""")
	Optional<KeyOwner> findActivePrincipal(String keyHash);

	Optional<ApiKey> findByKeyHash(String keyHash);

	/** A team's keys, revoked ones included, oldest first. */
	List<ApiKey> findByTeamIdOrderByCreatedAtAscIdAsc(UUID teamId);

}
