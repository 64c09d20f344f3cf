package io.genjobs.gateway.team;

import java.util.List;
import java.util.Optional;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** Reads the credential of {@code Authorization: Bearer <token>} (RFC 6750). */
final class BearerToken {

	private static final String SCHEME = "Bearer";

	private BearerToken() {
	}

	/**
	 * The token, or empty when the header is missing, repeated, of another scheme or
	 * without a token.
	 */
	static Optional<String> from(ServerHttpRequest request) {
		List<String> values = request.getHeaders().getOrEmpty(HttpHeaders.AUTHORIZATION);
		if (values.size() != 1) {
			return Optional.empty();
		}
		String value = values.get(0).strip();
		if (value.length() <= SCHEME.length() || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
				|| !Character.isWhitespace(value.charAt(SCHEME.length()))) {
			return Optional.empty();
		}
		String token = value.substring(SCHEME.length()).strip();
		if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
			return Optional.empty();
		}
		return Optional.of(token);
	}

}
