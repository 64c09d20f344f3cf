package io.genjobs.gateway.spend;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The estimate at accept, by DESIGN's rules ("Spend and budgets"). */
class CostEstimatorTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final BigDecimal TEN_CENTS = new BigDecimal("0.1");

	private static final JsonNode FRAMES_SCHEMA = json.readTree("""
			{"properties": {"frames": {"type": "integer", "enum": [121, 241], "default": 121}}}""");

	private static final JsonNode DURATION_SCHEMA = json.readTree("""
			{"properties": {"duration": {"type": "integer", "minimum": 4, "maximum": 30}}}""");

	private static final JsonNode AUTO_SCHEMA = json.readTree("""
			{"properties": {"duration": {"type": "string", "enum": ["auto", "5", "10", "20"]}}}""");

	private static final JsonNode IMAGES_SCHEMA = json.readTree("""
			{"properties": {"num_images": {"type": "integer", "minimum": 1, "maximum": 4}}}""");

	@Test
	void shouldPriceAnOutputModelByTheOutputsTheInputAsksFor() {
		assertThat(estimate("0.04", "output", IMAGES_SCHEMA, "{\"num_images\": 3}")).isEqualByComparingTo("0.12");
		assertThat(estimate("0.04", "output", json.readTree("{}"), "{\"num_images\": 3}"))
			.as("no count in the schema: one output")
			.isEqualByComparingTo("0.04");
		assertThat(estimate("0.04", "output", IMAGES_SCHEMA, "{}")).as("not sent: the most the schema allows")
			.isEqualByComparingTo("0.16");
		assertThat(estimate("0.04", "output", json.readTree("{\"properties\": {\"n\": {\"type\": \"integer\"}}}"),
				"{\"n\": 2}"))
			.isEqualByComparingTo("0.08");
	}

	@Test
	void shouldPriceASecondModelByTheInputsDurationAsANumberOrANumericString() {
		assertThat(estimate("0.1", "second", DURATION_SCHEMA, "{\"duration\": 12}")).isEqualByComparingTo("1.2");
		assertThat(estimate("0.1", "second", AUTO_SCHEMA, "{\"duration\": \"10\"}")).isEqualByComparingTo("1.0");
	}

	@Test
	void shouldTurnFramesIntoSecondsAtTwentyFourPerSecondRounded() {
		assertThat(estimate("0.1", "second", FRAMES_SCHEMA, "{\"frames\": 121}")).isEqualByComparingTo("0.5");
		assertThat(estimate("0.1", "second", FRAMES_SCHEMA, "{\"frames\": 241}")).isEqualByComparingTo("1.0");
		assertThat(estimate("0.1", "second", FRAMES_SCHEMA, "{}")).as("no frames: the largest allowed")
			.isEqualByComparingTo("1.0");
	}

	@Test
	void shouldTakeTheLargestAllowedDurationWhereTheInputsCannotBeRead() {
		assertThat(estimate("0.1", "second", AUTO_SCHEMA, "{\"duration\": \"auto\"}")).isEqualByComparingTo("2.0");
		assertThat(estimate("0.1", "second", DURATION_SCHEMA, "{}")).isEqualByComparingTo("3.0");
	}

	@Test
	void shouldHaveNoEstimateWithoutAPriceOrABoundOnTheDuration() {
		assertThat(CostEstimator.estimate(null, null, DURATION_SCHEMA, json.readTree("{\"duration\": 5}"))).isNull();
		assertThat(estimate("0.1", "second", json.readTree("{\"properties\": {\"duration\": {\"type\": \"integer\"}}}"),
				"{}"))
			.isNull();
		assertThat(estimate("0.1", "second", json.readTree("{}"), "{}")).isNull();
		assertThat(estimate("0.1", "minute", DURATION_SCHEMA, "{\"duration\": 5}")).as("an unknown unit").isNull();
	}

	private static BigDecimal estimate(String base, String unit, JsonNode schema, String input) {
		return CostEstimator.estimate(new BigDecimal(base), unit, schema, json.readTree(input));
	}

}
