package io.genjobs.gateway.webhook;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

/** Teams' webhook endpoints. */
interface WebhookEndpoints extends JpaRepository<WebhookEndpoint, UUID> {

	/** A team's endpoints, oldest first. */
	List<WebhookEndpoint> findByTeamIdOrderByCreatedAtAscIdAsc(UUID teamId);

	/** One of the team's endpoints: another team's id is not found. */
	Optional<WebhookEndpoint> findByIdAndTeamId(UUID id, UUID teamId);

}
