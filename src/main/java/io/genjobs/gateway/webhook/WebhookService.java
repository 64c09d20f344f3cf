package io.genjobs.gateway.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.genjobs.gateway.common.Ids;
import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.common.web.KeysetPage;
import io.genjobs.gateway.common.web.PageCursor;
import io.genjobs.gateway.common.web.ValidationFailedException;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundRefusedException;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * What the webhook API does for a team: its endpoints, its signing secret, and its
 * delivery log with manual retries. Every read and write is scoped to the team: another
 * team's ids are not found.
 */
@Service
class WebhookService {

	static final int URL_MAX_LENGTH = 2048;

	private static final Set<String> ENDPOINT_MEMBERS = Set.of("url", "events");

	private static final TypeReference<List<String>> EVENT_LIST = new TypeReference<>() {
	};

	private final WebhookEndpoints endpoints;

	private final TeamSecrets secrets;

	private final SecretsAtRest secretsAtRest;

	private final DeliveryQueue queue;

	private final EndpointQueries endpointQueries;

	private final DeliveryLog log;

	private final DeliveryWorker worker;

	private final OutboundGuard guard;

	private final JsonMapper jsonMapper;

	private final TransactionTemplate transaction;

	private final WebhookSettings settings;

	private final Clock clock;

	WebhookService(WebhookEndpoints endpoints, TeamSecrets secrets, SecretsAtRest secretsAtRest, DeliveryQueue queue,
			EndpointQueries endpointQueries, DeliveryLog log, DeliveryWorker worker, OutboundGuard guard,
			JsonMapper jsonMapper, TransactionTemplate transaction, WebhookSettings settings, Clock clock) {
		this.endpoints = endpoints;
		this.secrets = secrets;
		this.secretsAtRest = secretsAtRest;
		this.queue = queue;
		this.endpointQueries = endpointQueries;
		this.log = log;
		this.worker = worker;
		this.guard = guard;
		this.jsonMapper = jsonMapper;
		this.transaction = transaction;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * Registers an endpoint from {@code {"url", "events"?}}. The URL must pass the
	 * outbound guard now (it is checked again on every connection); {@code events}
	 * defaults to all six event types ({@link EndpointEventTypes}). A team has at most
	 * {@code gateway.webhooks.max-endpoints-per-team}: the count is taken under the
	 * team's advisory lock, so concurrent registrations on any instance cannot pass it.
	 */
	EndpointView createEndpoint(TeamPrincipal team, JsonNode body) {
		if (body == null || !body.isObject()) {
			throw ValidationFailedException.of("(body)", "must be a JSON object");
		}
		List<FieldError> errors = new ArrayList<>();
		for (Map.Entry<String, JsonNode> member : body.properties()) {
			if (!ENDPOINT_MEMBERS.contains(member.getKey())) {
				errors.add(new FieldError(member.getKey(), "unknown field"));
			}
		}
		String url = readUrl(body.get("url"), errors);
		List<String> events = readEvents(body.get("events"), errors);
		if (!errors.isEmpty()) {
			throw new ValidationFailedException(errors);
		}
		UUID id = Ids.next();
		WebhookEndpoint endpoint = new WebhookEndpoint(id, team.id(), url, this.jsonMapper.writeValueAsString(events),
				this.secretsAtRest.seal(WebhookSigner.newSecret(), SecretsAtRest.endpointSecret(id)), now());
		int max = this.settings.maxEndpointsPerTeam();
		return this.transaction.execute((status) -> {
			this.endpoints.lockTeamEndpoints(team.id());
			if (this.endpoints.countByTeamId(team.id()) >= max) {
				throw new WebhookEndpointLimitException(max);
			}
			return view(this.endpoints.save(endpoint));
		});
	}

	/** A page of the team's endpoints, oldest first. */
	KeysetPage<EndpointView> endpoints(TeamPrincipal team, String cursor, int limit) {
		PageCursor after = (cursor != null) ? PageCursor.decode(cursor) : null;
		List<WebhookEndpoint> found = (after != null)
				? this.endpoints.pageAfter(team.id(), after.createdAt(), after.id(), limit + 1)
				: this.endpoints.firstPage(team.id(), limit + 1);
		return KeysetPage.of(found.stream().map(this::view).toList(), limit,
				(last) -> new PageCursor(last.createdAt(), last.id()));
	}

	EndpointView endpoint(TeamPrincipal team, UUID id) {
		return this.endpoints.findByIdAndTeamId(id, team.id())
			.map(this::view)
			.orElseThrow(() -> new WebhookEndpointNotFoundException(id));
	}

	/**
	 * Deletes an endpoint; its pending deliveries fail at once (one in flight right now
	 * fails when its attempt ends). Its delivery log stays.
	 */
	void deleteEndpoint(TeamPrincipal team, UUID id) {
		this.transaction.executeWithoutResult((status) -> {
			WebhookEndpoint endpoint = this.endpoints.findByIdAndTeamId(id, team.id())
				.orElseThrow(() -> new WebhookEndpointNotFoundException(id));
			this.endpoints.delete(endpoint);
			this.endpoints.flush();
			this.queue.dropPendingOf(id, now());
		});
	}

	SecretView secret(TeamPrincipal team) {
		Instant now = now();
		TeamSecrets.Secret secret = this.transaction.execute((status) -> this.secrets.get(team.id(), now));
		return new SecretView(secret.current(), secret.graceEndsAt(now));
	}

	/**
	 * A new team secret; the one it replaces keeps signing (as a second signature) for
	 * {@code gateway.webhooks.secret-rotation-grace}.
	 */
	SecretView rotateSecret(TeamPrincipal team) {
		Instant now = now();
		TeamSecrets.Secret secret = this.transaction
			.execute((status) -> this.secrets.rotate(team.id(), this.settings.secretRotationGrace(), now));
		return new SecretView(secret.current(), secret.graceEndsAt(now));
	}

	/** A page of the team's deliveries, newest first. */
	KeysetPage<DeliveryView> deliveries(TeamPrincipal team, UUID jobId, DeliveryState status, String cursor,
			int limit) {
		PageCursor after = (cursor != null) ? PageCursor.decode(cursor) : null;
		List<DeliveryView> found = this.log.page(team.id(), jobId, status, after, limit + 1);
		return KeysetPage.of(found, limit, (last) -> new PageCursor(last.createdAt(), last.id()));
	}

	DeliveryView delivery(TeamPrincipal team, UUID id) {
		return this.log.find(team.id(), id).orElseThrow(() -> new WebhookDeliveryNotFoundException(id));
	}

	/**
	 * Sends a delivery again, now, with the same {@code webhook-id} (and a fresh
	 * timestamp and signature). A failed delivery gets exactly one more attempt; a
	 * pending one is simply made due now (unless an attempt is under way this moment).
	 * Nothing else changes: a disabled endpoint stays disabled, and its deliveries cannot
	 * be retried.
	 */
	DeliveryView retry(TeamPrincipal team, UUID id) {
		this.transaction.executeWithoutResult((status) -> {
			DeliveryQueue.RetryState state = this.queue.lockForRetry(id, team.id())
				.orElseThrow(() -> new WebhookDeliveryNotFoundException(id));
			DeliveryMove move = DeliveryMove.byHand(state.status(),
					() -> state.endpointId() == null || this.endpointQueries.enabled(state.endpointId()));
			this.queue.retryByHand(id, move, now());
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					WebhookService.this.worker.wake();
				}
			});
		});
		return delivery(team, id);
	}

	private String readUrl(JsonNode node, List<FieldError> errors) {
		if (node == null || node.isNull()) {
			errors.add(new FieldError("url", "is required"));
			return null;
		}
		if (!node.isString()) {
			errors.add(new FieldError("url", "must be a string"));
			return null;
		}
		String url = node.stringValue();
		if (url.length() > URL_MAX_LENGTH) {
			errors.add(new FieldError("url", "must be at most " + URL_MAX_LENGTH + " characters"));
			return null;
		}
		try {
			this.guard.check(new URI(url));
		}
		catch (URISyntaxException ex) {
			errors.add(new FieldError("url", "is not a valid URL"));
			return null;
		}
		catch (OutboundRefusedException ex) {
			errors.add(new FieldError("url", ex.getMessage()));
			return null;
		}
		return url;
	}

	private List<String> readEvents(JsonNode node, List<FieldError> errors) {
		Set<String> events = new LinkedHashSet<>();
		if (node == null || node.isNull()) {
			return EndpointEventTypes.ALL;
		}
		if (!node.isArray() || node.isEmpty()) {
			errors.add(new FieldError("events", "must be a non-empty array of event types"));
			return List.of();
		}
		for (int i = 0; i < node.size(); i++) {
			JsonNode item = node.get(i);
			if (item.isString() && EndpointEventTypes.isKnown(item.stringValue())) {
				events.add(item.stringValue());
			}
			else {
				errors.add(new FieldError("events[" + i + "]",
						"must be one of " + String.join(", ", EndpointEventTypes.ALL)));
			}
		}
		return List.copyOf(events);
	}

	private EndpointView view(WebhookEndpoint endpoint) {
		return new EndpointView(endpoint.getId(), endpoint.url(),
				this.jsonMapper.readValue(endpoint.eventsJson(), EVENT_LIST),
				this.secretsAtRest.open(endpoint.sealedSecret(), SecretsAtRest.endpointSecret(endpoint.getId())),
				endpoint.disabledAt(), endpoint.getCreatedAt());
	}

	private Instant now() {
		// PostgreSQL keeps microseconds: what a write answers equals what reads return.
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

}
