package io.genjobs.gateway.webhook;

import io.genjobs.gateway.common.web.InvalidParameterException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code /webhooks}: a team's endpoints, its signing secret and its delivery log. Methods
 * are blocking: with virtual threads enabled, WebFlux runs them on virtual threads, never
 * on the event loop.
 */
@RestController
class WebhookController {

	static final int DEFAULT_PAGE_SIZE = 20;

	static final int MAX_PAGE_SIZE = 100;

	private static final Set<String> STATUSES = Set.of("pending", "delivered", "failed");

	private final WebhookService webhooks;

	WebhookController(WebhookService webhooks) {
		this.webhooks = webhooks;
	}

	@PostMapping(path = "/webhooks/endpoints", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<EndpointView> createEndpoint(TeamPrincipal team, @RequestBody JsonNode body) {
		EndpointView endpoint = this.webhooks.createEndpoint(team, body);
		return ResponseEntity.created(URI.create("/webhooks/endpoints/" + endpoint.id())).body(endpoint);
	}

	@GetMapping("/webhooks/endpoints")
	Listing<EndpointView> endpoints(TeamPrincipal team) {
		return new Listing<>(this.webhooks.endpoints(team));
	}

	@GetMapping("/webhooks/endpoints/{id}")
	EndpointView endpoint(TeamPrincipal team, @PathVariable String id) {
		return this.webhooks.endpoint(team, endpointId(id));
	}

	@DeleteMapping("/webhooks/endpoints/{id}")
	ResponseEntity<Void> deleteEndpoint(TeamPrincipal team, @PathVariable String id) {
		this.webhooks.deleteEndpoint(team, endpointId(id));
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/webhooks/secret")
	SecretView secret(TeamPrincipal team) {
		return this.webhooks.secret(team);
	}

	@PostMapping("/webhooks/secret/rotate")
	SecretView rotateSecret(TeamPrincipal team) {
		return this.webhooks.rotateSecret(team);
	}

	@GetMapping("/webhooks/deliveries")
	WebhookService.DeliveryPage deliveries(TeamPrincipal team,
			@RequestParam(name = "job_id", required = false) String jobId,
			@RequestParam(required = false) String status, @RequestParam(required = false) String limit,
			@RequestParam(required = false) String cursor) {
		if (status != null && !STATUSES.contains(status)) {
			throw new InvalidParameterException("status", "must be one of pending, delivered, failed");
		}
		UUID job = null;
		if (jobId != null) {
			try {
				job = UUID.fromString(jobId);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidParameterException("job_id", "must be a job id");
			}
		}
		return this.webhooks.deliveries(team, job, status, cursor, parseLimit(limit));
	}

	@GetMapping("/webhooks/deliveries/{id}")
	DeliveryView delivery(TeamPrincipal team, @PathVariable String id) {
		return this.webhooks.delivery(team, deliveryId(id));
	}

	@PostMapping("/webhooks/deliveries/{id}/retry")
	ResponseEntity<DeliveryView> retry(TeamPrincipal team, @PathVariable String id) {
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(this.webhooks.retry(team, deliveryId(id)));
	}

	private static int parseLimit(String limit) {
		if (limit == null) {
			return DEFAULT_PAGE_SIZE;
		}
		try {
			int value = Integer.parseInt(limit);
			if (value >= 1 && value <= MAX_PAGE_SIZE) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidParameterException("limit", "must be an integer from 1 to " + MAX_PAGE_SIZE);
	}

	/** Ids that are not UUIDs name nothing: answered like any unknown id. */
	private static UUID endpointId(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new WebhookEndpointNotFoundException(id);
		}
	}

	private static UUID deliveryId(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new WebhookDeliveryNotFoundException(id);
		}
	}

	record Listing<T>(List<T> data) {
	}

}
