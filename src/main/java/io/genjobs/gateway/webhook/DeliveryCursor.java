package io.genjobs.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of the delivery log ended: the (created_at, id) of its last delivery, as
 * opaque base64url text. The next page starts strictly after it, so deliveries added
 * meanwhile never shift or repeat entries.
 */
record DeliveryCursor(Instant createdAt, UUID id) {

	String encode() {
		long micros = ChronoUnit.MICROS.between(Instant.EPOCH, this.createdAt);
		String plain = micros + "." + this.id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
	}

	static DeliveryCursor decode(String cursor) {
		try {
			String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
			int dot = plain.indexOf('.');
			long micros = Long.parseLong(plain.substring(0, dot));
			UUID id = UUID.fromString(plain.substring(dot + 1));
			return new DeliveryCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
		}
		catch (RuntimeException ex) {
			throw new InvalidParameterException("cursor", "is not a cursor this gateway issued");
		}
	}

}
