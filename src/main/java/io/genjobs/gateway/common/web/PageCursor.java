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

	/** The last microsecond of year 9999: no entry is created later. */
	private static final long LATEST_MICROS = ChronoUnit.MICROS.between(Instant.EPOCH,
			Instant.parse("9999-12-31T23:59:59.999999Z"));

	public String encode() {
		long micros = ChronoUnit.MICROS.between(Instant.EPOCH, this.createdAt);
		String plain = micros + "." + this.id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * The cursor {@link #encode} made, or {@code 400 invalid-parameter}: for anything
	 * else, including a well-formed cursor the gateway cannot have issued (a time before
	 * 1970 or after 9999, which PostgreSQL may not even represent, or another spelling of
	 * an issued one).
	 */
	public static PageCursor decode(String cursor) {
		PageCursor decoded;
		try {
			String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
			int dot = plain.indexOf('.');
			long micros = Long.parseLong(plain.substring(0, dot));
			UUID id = UUID.fromString(plain.substring(dot + 1));
			if (micros < 0 || micros > LATEST_MICROS) {
				throw notIssued();
			}
			decoded = new PageCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
		}
		catch (RuntimeException ex) {
			throw notIssued();
		}
		// "+1", leading zeros, upper-case ids, padding: not what encode() writes.
		if (!decoded.encode().equals(cursor)) {
			throw notIssued();
		}
		return decoded;
	}

	private static InvalidParameterException notIssued() {
		return new InvalidParameterException("cursor", "is not a cursor this gateway issued");
	}

}
