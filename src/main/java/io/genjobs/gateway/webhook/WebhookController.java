package io.genjobs.gateway.webhook;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
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

import io.genjobs.gateway.common.web.InvalidParameterException;
import io.genjobs.gateway.common.web.KeysetPage;
import io.genjobs.gateway.common.web.RequestParameters;
import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * {@code /webhooks}: a team's endpoints, its signing secret and its delivery log. Methods
 * are blocking: with virtual threads enabled, WebFlux runs them on virtual threads, never
 * on the event loop.
 */
@RestController
@Tag(name = "webhooks")
@SecurityRequirement(name = SecuritySchemes.API_KEY)
class WebhookController {

	private static final String NO_ENDPOINT = "No such endpoint for this team (`webhook-endpoint-not-found`)";

	private static final String NO_DELIVERY = "No such delivery for this team (`webhook-delivery-not-found`)";

	private final WebhookService webhooks;

	WebhookController(WebhookService webhooks) {
		this.webhooks = webhooks;
	}

	@Operation(operationId = "createWebhookEndpoint", summary = "Register a webhook endpoint")
	@ApiResponse(responseCode = "201", description = "The endpoint with its own signing secret")
	@ApiResponse(responseCode = "409",
			description = "The team has gateway.webhooks.max-endpoints-per-team endpoints already (`webhook-endpoint-limit-reached`)")
	@ApiResponse(responseCode = "422", description = "Bad URL or events, or the URL is refused by the outbound guard")
	@PostMapping(path = "/webhooks/endpoints", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<EndpointView> createEndpoint(TeamPrincipal team,
			@RequestBody @Schema(implementation = EndpointRequest.class) JsonNode body) {
		EndpointView endpoint = this.webhooks.createEndpoint(team, body);
		return ResponseEntity.created(URI.create("/webhooks/endpoints/" + endpoint.id())).body(endpoint);
	}

	@Operation(operationId = "listWebhookEndpoints", summary = "List the team's webhook endpoints, oldest first")
	@ApiResponse(responseCode = "200", description = "A page of endpoints")
	@ApiResponse(responseCode = "400", description = "Bad limit or cursor (`invalid-parameter`)")
	@GetMapping("/webhooks/endpoints")
	KeysetPage<EndpointView> endpoints(TeamPrincipal team, @RequestParam(required = false) String limit,
			@RequestParam(required = false) String cursor) {
		return this.webhooks.endpoints(team, cursor, RequestParameters.limit(limit));
	}

	@Operation(operationId = "getWebhookEndpoint", summary = "Get a webhook endpoint")
	@ApiResponse(responseCode = "200", description = "The endpoint")
	@ApiResponse(responseCode = "404", description = NO_ENDPOINT)
	@GetMapping("/webhooks/endpoints/{id}")
	EndpointView endpoint(TeamPrincipal team, @PathVariable String id) {
		return this.webhooks.endpoint(team, endpointId(id));
	}

	@Operation(operationId = "deleteWebhookEndpoint", summary = "Delete a webhook endpoint")
	@ApiResponse(responseCode = "204", description = "Deleted; its pending deliveries fail")
	@ApiResponse(responseCode = "404", description = NO_ENDPOINT)
	@DeleteMapping("/webhooks/endpoints/{id}")
	ResponseEntity<Void> deleteEndpoint(TeamPrincipal team, @PathVariable String id) {
		this.webhooks.deleteEndpoint(team, endpointId(id));
		return ResponseEntity.noContent().build();
	}

	@Operation(operationId = "getWebhookSecret", summary = "The team's secret for jobs' own webhook_url")
	@ApiResponse(responseCode = "200", description = "The secret")
	@GetMapping("/webhooks/secret")
	SecretView secret(TeamPrincipal team) {
		return this.webhooks.secret(team);
	}

	@Operation(operationId = "rotateWebhookSecret",
			summary = "Rotate the team's secret (the old one keeps signing for a grace period)")
	@ApiResponse(responseCode = "200", description = "The new secret")
	@PostMapping("/webhooks/secret/rotate")
	SecretView rotateSecret(TeamPrincipal team) {
		return this.webhooks.rotateSecret(team);
	}

	@Operation(operationId = "listWebhookDeliveries", summary = "The delivery log, newest first")
	@ApiResponse(responseCode = "200", description = "A page of deliveries with their attempts")
	@ApiResponse(responseCode = "400", description = "Bad filter, limit or cursor")
	@GetMapping("/webhooks/deliveries")
	KeysetPage<DeliveryView> deliveries(TeamPrincipal team,
			@RequestParam(name = "job_id", required = false) String jobId,
			@RequestParam(required = false) String status, @RequestParam(required = false) String limit,
			@RequestParam(required = false) String cursor) {
		return this.webhooks.deliveries(team, RequestParameters.uuid(jobId, "job_id", "a job id"), statusFilter(status),
				cursor, RequestParameters.limit(limit));
	}

	@Operation(operationId = "getWebhookDelivery", summary = "Get a delivery with its attempts")
	@ApiResponse(responseCode = "200", description = "The delivery")
	@ApiResponse(responseCode = "404", description = NO_DELIVERY)
	@GetMapping("/webhooks/deliveries/{id}")
	DeliveryView delivery(TeamPrincipal team, @PathVariable String id) {
		return this.webhooks.delivery(team, deliveryId(id));
	}

	@Operation(operationId = "retryWebhookDelivery", summary = "Send a delivery again")
	@ApiResponse(responseCode = "202", description = "The delivery, due now")
	@ApiResponse(responseCode = "404", description = NO_DELIVERY)
	@ApiResponse(responseCode = "409",
			description = "Delivered already, or its endpoint is disabled or deleted (`delivery-not-retryable`)")
	@PostMapping("/webhooks/deliveries/{id}/retry")
	ResponseEntity<DeliveryView> retry(TeamPrincipal team, @PathVariable String id) {
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(this.webhooks.retry(team, deliveryId(id)));
	}

	/** Ids that are not UUIDs name nothing: answered like any unknown id. */
	private static UUID endpointId(String id) {
		return RequestParameters.id(id, WebhookEndpointNotFoundException::new);
	}

	private static UUID deliveryId(String id) {
		return RequestParameters.id(id, WebhookDeliveryNotFoundException::new);
	}

	/** The delivery state a {@code status} filter names; {@code null} for no filter. */
	private static DeliveryState statusFilter(String status) {
		if (status == null) {
			return null;
		}
		return DeliveryState.fromValue(status)
			.orElseThrow(() -> new InvalidParameterException("status", "must be one of " + DeliveryState.names()));
	}

	/**
	 * The body of {@code POST /webhooks/endpoints} as the API documents it; the service
	 * reads a JSON tree to name every bad member at once.
	 */
	@Schema(description = "An endpoint to receive the team's job and budget events. Unknown members are refused.",
			additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
	record EndpointRequest(
			@Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = WebhookService.URL_MAX_LENGTH,
					description = "An http(s) URL that passes the outbound guard") URI url,
			@ArraySchema(schema = @Schema(type = "string", allowableValues = {
					"job.submitted", "job.running", "job.succeeded", "job.failed", "job.cancelled",
					"budget.threshold_reached" }), minItems = 1,
					arraySchema = @Schema(description = "Events to send (default: all six)")) List<String> events){
	}

}
