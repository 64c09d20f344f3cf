package io.genjobs.gateway.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Teams' webhook endpoints. */
interface WebhookEndpoints extends JpaRepository<WebhookEndpoint, UUID> {

	/**
	 * Up to {@code limit} of a team's endpoints, oldest first, from the start of the
	 * listing: a keyset page on {@code webhook_endpoints_team_idx}.
	 */
	@Query(value = """
			select * from webhook_endpoints where team_id = :teamId
			order by created_at, id limit :limit""", nativeQuery = true)
	List<WebhookEndpoint> firstPage(UUID teamId, int limit);

	/**
	 * Up to {@code limit} of a team's endpoints, oldest first, strictly after the one
	 * created at {@code createdAt} with {@code id}: the row comparison walks
	 * {@code webhook_endpoints_team_idx} from that key.
	 */
	@Query(value = """
			select * from webhook_endpoints where team_id = :teamId and (created_at, id) > (:createdAt, :id)
			order by created_at, id limit :limit""", nativeQuery = true)
	List<WebhookEndpoint> pageAfter(UUID teamId, Instant createdAt, UUID id, int limit);

	/** One of the team's endpoints: another team's id is not found. */
	Optional<WebhookEndpoint> findByIdAndTeamId(UUID id, UUID teamId);

	/**
	 * Serialises the endpoint cap check of one team's concurrent registrations, on any
	 * instance, until the transaction ends. Keyed by the team (the second argument sets
	 * this lock apart from the team's other advisory locks).
	 */
	@Query(value = "select 1 from (select pg_advisory_xact_lock(hashtextextended(cast(:teamId as text), 8111))) as lock",
			nativeQuery = true)
	int lockTeamEndpoints(UUID teamId);

	/** How many endpoints the team has, disabled ones included. */
	long countByTeamId(UUID teamId);

}
