package io.genjobs.gateway.catalog;

import tools.jackson.databind.JsonNode;

/**
 * A model in the catalog, as its schema file describes it. The schemas are RunComfy's
 * own, verbatim (JSON Schema plus {@code validations} lists); they are shared by every
 * caller, so treat them as read-only.
 *
 * @param id RunComfy's model id, for example
 * {@code bytedance/dreamina-3-0/pro/image-to-video}
 * @param title a short human-readable name
 * @param description what the model does
 * @param inputSchema the JSON Schema of the model's input
 * @param outputSchema the shape of the model's output, as RunComfy documents it
 */
public record Model(String id, String title, String description, JsonNode inputSchema, JsonNode outputSchema) {
}
