package io.genjobs.gateway.storage;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinkSignerTests {

	private static final Pattern QUERY = Pattern.compile("expires=(\\d+)&signature=([A-Za-z0-9_-]+)");

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final LinkSigner signer = new LinkSigner("secret", () -> "https://gw.example", Duration.ofDays(7),
			this.clock);

	private final UUID jobId = UUID.randomUUID();

	@Test
	void shouldSignAnAbsoluteLinkThatVerifiesUntilItExpires() {
		URI link = URI.create(this.signer.sign(this.jobId, 2));
		assertThat(link.getScheme() + "://" + link.getHost() + link.getPath())
			.isEqualTo("https://gw.example/jobs/" + this.jobId + "/outputs/2");
		Matcher query = QUERY.matcher(link.getRawQuery());
		assertThat(query.matches()).isTrue();
		String expires = query.group(1);
		String signature = query.group(2);
		assertThat(Long.parseLong(expires)).isEqualTo(this.clock.instant().plus(Duration.ofDays(7)).getEpochSecond());

		assertThat(this.signer.verify(this.jobId, 2, expires, signature)).isTrue();
		assertThat(this.signer.verify(this.jobId, 3, expires, signature)).isFalse();
		assertThat(this.signer.verify(UUID.randomUUID(), 2, expires, signature)).isFalse();
		assertThat(this.signer.verify(this.jobId, 2, String.valueOf(Long.parseLong(expires) + 1), signature)).isFalse();
		assertThat(this.signer.verify(this.jobId, 2, expires, "not*base64")).isFalse();
		assertThat(this.signer.verify(this.jobId, 2, "soon", signature)).isFalse();
		LinkSigner otherKey = new LinkSigner("other", () -> "https://gw.example", Duration.ofDays(7), this.clock);
		assertThat(otherKey.verify(this.jobId, 2, expires, signature)).isFalse();

		this.clock.now = this.clock.now.plus(Duration.ofDays(7)).plusSeconds(1);
		assertThat(this.signer.verify(this.jobId, 2, expires, signature)).isFalse();
	}

	private static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
