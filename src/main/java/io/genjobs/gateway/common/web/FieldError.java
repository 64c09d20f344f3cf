package io.genjobs.gateway.common.web;

/**
 * One failed field in a validation problem, named by its JSON path in the request body,
 * for example {@code input.image_urls[0]}.
 */
public record FieldError(String field, String message) {
}
