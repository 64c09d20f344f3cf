package io.genjobs.gateway.common;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class DataUriSummariesTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void replacesALargeDataUriByItsTypeSizeAndDigest() {
		byte[] bytes = new byte[4096];
		new Random(7).nextBytes(bytes);
		String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
		String expected = "data:image/png;base64,\u2026 (4096 bytes, sha256:"
				+ HexFormat.of().formatHex(Digests.sha256(bytes)) + ")";
		JsonNode shown = DataUriSummaries.summarize(this.json.readTree("{\"image\":\"" + uri + "\",\"n\":3}"));
		assertThat(shown.get("image").asString()).isEqualTo(expected);
		assertThat(shown.get("n").asInt()).isEqualTo(3);
	}

	@Test
	void reachesListsAndNestedObjectsAndLeavesTheOriginalAlone() {
		String large = "data:audio/wav;base64," + "A".repeat(2000);
		JsonNode original = this.json.readTree("{\"a\":{\"uris\":[\"https://x.test/a.png\",\"" + large + "\"]}}");
		JsonNode shown = DataUriSummaries.summarize(original);
		assertThat(shown.at("/a/uris/0").asString()).isEqualTo("https://x.test/a.png");
		assertThat(shown.at("/a/uris/1").asString()).startsWith("data:audio/wav;base64,\u2026 (1500 bytes, sha256:");
		assertThat(original.at("/a/uris/1").asString()).isEqualTo(large);
	}

	@Test
	void keepsShortDataUrisAndOtherStrings() {
		String exactlyMax = "data:image/png;base64," + "A".repeat(DataUriSummaries.MAX_SHOWN - 22);
		JsonNode original = this.json.readTree("{\"d\":\"" + exactlyMax + "\",\"t\":\"" + "x".repeat(5000) + "\"}");
		assertThat(exactlyMax).hasSize(DataUriSummaries.MAX_SHOWN);
		assertThat(DataUriSummaries.summarize(original)).isSameAs(original);
	}

	@Test
	void digestsTheTextOfUrisThatAreNotBase64() {
		String text = "hello%20world".repeat(100);
		String shown = DataUriSummaries.summary("data:text/plain," + text);
		assertThat(shown)
			.isEqualTo("data:text/plain,\u2026 (" + text.length() + " bytes, sha256:" + Digests.sha256Hex(text) + ")");
		assertThat(DataUriSummaries.summary("data:image/png;base64,!!" + "A".repeat(2000)))
			.startsWith("data:image/png;base64,\u2026 (2002 bytes, sha256:");
		assertThat(DataUriSummaries.summary("data:" + "x".repeat(3000))).startsWith("data:\u2026 (3005 bytes");
	}

	@Test
	void summarizesJsonTextAndLeavesTextWithoutLargeDataUrisAsItIs() {
		String small = "{\"prompt\":\"" + "p".repeat(3000) + "\"}";
		assertThat(DataUriSummaries.summarizeJson(small)).isSameAs(small);
		String large = "{\"image\":\"DATA:image/png;base64," + "A".repeat(2000) + "\"}";
		assertThat(DataUriSummaries.summarizeJson(large))
			.startsWith("{\"image\":\"DATA:image/png;base64,\u2026 (1500 bytes, sha256:")
			.hasSizeLessThan(200);
		assertThat(DataUriSummaries.summarizeJson(null)).isNull();
	}

}
