package io.genjobs.gateway.job;

import java.math.BigDecimal;
import java.time.Instant;

import io.genjobs.gateway.common.DataUriSummaries;

/**
 * A validated job request, ready to store: JSON members as their exact JSON text.
 *
 * @param model the model id
 * @param inputJson the input with schema defaults filled in, as views show it: a
 * {@code data:} URI over 1,024 characters in its short form ({@link DataUriSummaries})
 * @param forwardedInputJson the input as RunComfy gets it, when it differs from
 * {@code inputJson} (it holds a large {@code data:} URI); {@code null} otherwise
 * @param metadataJson the client's metadata object, or {@code null}
 * @param webhookUrl the job's own webhook URL, or {@code null}
 * @param webhookEventsJson the event types sent to {@code webhookUrl}, as a JSON array
 * @param idempotencyKey the request's {@code Idempotency-Key}, or {@code null}
 * @param requestHash a hash of the request body, to tell a retry from a different request
 * @param schemaHash the hash of the model's input schema the input was validated against
 * @param schemaFetchedAt when the catalog entry with that schema was fetched
 * @param estimatedCostUsd the job's estimated cost from its model's price, {@code null}
 * when the model has no price or no bound on its duration
 * @param priority the job's rank within its team's share
 * @param deadline when the job is cancelled if it has not started, or {@code null}
 */
record NewJob(String model, String inputJson, String forwardedInputJson, String metadataJson, String webhookUrl,
		String webhookEventsJson, String idempotencyKey, String requestHash, String schemaHash, Instant schemaFetchedAt,
		BigDecimal estimatedCostUsd, JobPriority priority, Instant deadline) {
}
