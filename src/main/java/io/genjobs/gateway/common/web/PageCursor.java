package io.genjobs.gateway.common.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a keyset page ended ({@code GET /jobs}, the delivery log): the (created_at, id)
 * of its last entry. Opaque to clients (base64url text), stable while entries are added,
 * because the next page starts strictly after this key in the listing's order rather than
 * at an offset.
 */
public record PageCursor(Instant createdAt, UUID id) {

	public String encode() {
		long micros = ChronoUnit.MICROS.between(Instant.EPOCH, this.createdAt);
		String plain = micros + "." + this.id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
	}

	public static PageCursor decode(String cursor) {
		try {
			String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
			int dot = plain.indexOf('.');
			long micros = Long.parseLong(plain.substring(0, dot));
			UUID id = UUID.fromString(plain.substring(dot + 1));
			return new PageCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
		}
		catch (RuntimeException ex) {
			throw new InvalidParameterException("cursor", "is not a cursor this gateway issued");
		}
	}

}
