package io.genjobs.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignerTests {

	// The Standard Webhooks specification's test vector.
	private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";

	private static final long TIMESTAMP = 1614265330;

	private static final String BODY = "{\"test\": 2432232314}";

	@Test
	void signsTheStandardWebhooksTestVector() {
		assertThat(WebhookSigner.sign(SECRET, ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	@Test
	void signsWithEverySecretSpaceSeparatedCurrentFirst() {
		String other = WebhookSigner.newSecret();
		String header = WebhookSigner.signatureHeader(List.of(SECRET, other), ID, TIMESTAMP,
				BODY.getBytes(StandardCharsets.UTF_8));
		assertThat(header.split(" ")).containsExactly("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
				WebhookSigner.sign(other, ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void signaturesVerifyWithTheIndependentLibrary() throws Exception {
		String secret = WebhookSigner.newSecret();
		String id = WebhookSigner.newMessageId();
		long now = Instant.now().getEpochSecond();
		// Not ASCII, so that bytes and characters differ.
		String body = "{\"type\":\"job.succeeded\",\"data\":{\"prompt\":\"caf\u00e9 \u2603\"}}";
		String signature = WebhookSigner.signatureHeader(List.of(WebhookSigner.newSecret(), secret), id, now,
				body.getBytes(StandardCharsets.UTF_8));
		Map<String, List<String>> headers = Map.of("webhook-id", List.of(id), "webhook-timestamp",
				List.of(Long.toString(now)), "webhook-signature", List.of(signature));
		assertThatNoException().isThrownBy(() -> new Webhook(secret).verify(body, headers));
		assertThatThrownBy(() -> new Webhook(WebhookSigner.newSecret()).verify(body, headers))
			.hasMessageContaining("No matching signature");
	}

	@Test
	void newSecretsAreWhsecAndBase64Of32RandomBytes() {
		String secret = WebhookSigner.newSecret();
		assertThat(secret).startsWith("whsec_");
		assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
		assertThat(WebhookSigner.newSecret()).isNotEqualTo(secret);
	}

	@Test
	void messageIdsAreMsgAndRandomLettersAndDigits() {
		assertThat(WebhookSigner.newMessageId()).matches("msg_[0-9A-Za-z]{24}");
		assertThat(WebhookSigner.newMessageId()).isNotEqualTo(WebhookSigner.newMessageId());
	}

	@Test
	void refusesASecretWithoutThePrefixWithoutRepeatingIt() {
		assertThatThrownBy(() -> WebhookSigner.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ID, TIMESTAMP, new byte[0]))
			.isInstanceOf(IllegalArgumentException.class)
			.message()
			.doesNotContain("MfKQ9r8");
	}

}
