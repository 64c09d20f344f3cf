package io.genjobs.gateway.webhook;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What delivery asks of the team endpoints (which {@link WebhookEndpoints} manages for
 * the API): who subscribes to an event, whether an endpoint is still enabled and with
 * which secret, and disabling one that answered 410 Gone. Every statement runs in the
 * caller's transaction.
 */
@Component
class EndpointQueries {

	private final JdbcClient jdbc;

	private final SecretsAtRest secrets;

	EndpointQueries(JdbcClient jdbc, SecretsAtRest secrets) {
		this.jdbc = jdbc;
		this.secrets = secrets;
	}

	/**
	 * The team's enabled endpoints subscribed to {@code type}. A team has a handful, so
	 * the filter on the JSON array costs nothing next to the index look-up.
	 */
	List<EndpointTarget> subscribed(UUID teamId, String type) {
		return this.jdbc.sql("""
				select id, url from webhook_endpoints
				where team_id = :teamId and disabled_at is null and events @> jsonb_build_array(cast(:type as text))
				order by created_at, id
				""")
			.param("teamId", teamId)
			.param("type", type)
			.query((rs, row) -> new EndpointTarget(rs.getObject("id", UUID.class), rs.getString("url")))
			.list();
	}

	/**
	 * An endpoint's secret (decrypted), if the endpoint still exists and is enabled;
	 * deliveries to a deleted or disabled endpoint are not sent.
	 */
	Optional<String> enabledSecret(UUID endpointId) {
		return this.jdbc.sql("select secret from webhook_endpoints where id = :id and disabled_at is null")
			.param("id", endpointId)
			.query(String.class)
			.optional()
			.map((stored) -> this.secrets.open(stored, SecretsAtRest.endpointSecret(endpointId)));
	}

	/** Whether the endpoint still exists and is enabled. */
	boolean enabled(UUID endpointId) {
		return this.jdbc.sql("select count(*) from webhook_endpoints where id = :id and disabled_at is null")
			.param("id", endpointId)
			.query(Integer.class)
			.single() > 0;
	}

	/** Disables an endpoint for good (it answered 410 Gone); the first time counts. */
	void disable(UUID endpointId, Instant now) {
		this.jdbc.sql("update webhook_endpoints set disabled_at = :now where id = :id and disabled_at is null")
			.param("now", Timestamp.from(now))
			.param("id", endpointId)
			.update();
	}

	/** An enabled endpoint a job's state change is sent to. */
	record EndpointTarget(UUID id, String url) {
	}

}
