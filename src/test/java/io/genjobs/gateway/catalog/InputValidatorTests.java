package io.genjobs.gateway.catalog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.media.MediaType;
import io.genjobs.gateway.media.MediaInfo;
import io.genjobs.gateway.media.MediaProbe;
import io.genjobs.gateway.media.MediaProbeException;

import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first model's input rules (README, "Validation"), at and beside every boundary,
 * with a fake {@link MediaProbe} that answers chosen image facts.
 */
class InputValidatorTests {

	static final String IMAGE = "https://images.example/cat.png";

	static final String SHORTEST_SIDE = "The shortest side must be at least 320 pixels.";

	static final String MAXIMUM_RESOLUTION = "Maximum resolution is 4096x4096.";

	static final String FILE_SIZE = "File size must be less than 4.7 MB.";

	static final String RATIO_AT_MOST_3 = "The ratio of long side to short side must be within 3:1.";

	static final String RATIO_ABOVE_0_33 = "The ratio of long side to short side must be greater than 0.33.";

	static final ModelCatalog catalog = new ModelCatalog(
			new CatalogSettings(List.of("classpath*:models/*.json"), CatalogSettings.DEFAULT_MODEL),
			new DefaultResourceLoader());

	final JsonMapper json = JsonMapper.builder().build();

	final Map<String, MediaInfo> images = new ConcurrentHashMap<>();

	final Map<String, Long> probedWithMaxBytes = new ConcurrentHashMap<>();

	final MediaProbe probe = (uri, kind, maxBytes) -> {
		this.probedWithMaxBytes.put(uri, maxBytes);
		MediaInfo info = this.images.get(uri);
		if (info == null) {
			throw new MediaProbeException("The image could not be fetched: the server answered 404.");
		}
		return info;
	};

	final InputValidator validator = new InputValidator(catalog, this.probe);

	@BeforeEach
	void aGoodImage() {
		this.images.put(IMAGE, png(1024, 768, 1_000_000));
	}

	@Test
	void shouldAcceptAValidInputAndFillInDefaults() {
		JsonNode input = input("""
				{"prompt": "A cat surfing a wave", "image_urls": ["%s"]}""".formatted(IMAGE));

		CheckedInput checked = check(input);

		assertThat(checked.valid()).isTrue();
		assertThat(checked.errors()).isEmpty();
		assertThat(checked.input()).isEqualTo(input("""
				{"prompt": "A cat surfing a wave", "image_urls": ["%s"], "seed": -1, "frames": 121}"""
			.formatted(IMAGE)));
		assertThat(input.has("seed")).as("the given input is not changed").isFalse();
	}

	@Test
	void shouldKeepGivenValuesOverDefaults() {
		CheckedInput checked = check(input("""
				{"prompt": "p", "image_urls": ["%s"], "seed": 42, "frames": 241}""".formatted(IMAGE)));

		assertThat(checked.errors()).isEmpty();
		assertThat(checked.input().get("seed").asLong()).isEqualTo(42);
		assertThat(checked.input().get("frames").asInt()).isEqualTo(241);
	}

	@Test
	void shouldProbeWithTheSizeRuleAsTheByteCap() {
		check(valid());

		// file_size_mb< 4.7, with 1 MB = 1,000,000 bytes: 4,699,999 bytes is the most
		// that can pass.
		assertThat(this.probedWithMaxBytes).containsEntry(IMAGE, 4_699_999L);
	}

	@Test
	void shouldAcceptAPromptOf800Characters() {
		assertThat(errorsFor(valid().put("prompt", "a".repeat(800)))).isEmpty();
	}

	@Test
	void shouldRejectAPromptOf801Characters() {
		assertThat(errorsFor(valid().put("prompt", "a".repeat(801))))
			.containsExactly(new FieldError("input.prompt", "must be at most 800 characters, got 801"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "\t\n " })
	void shouldRejectABlankPrompt(String prompt) {
		assertThat(errorsFor(valid().put("prompt", prompt)))
			.containsExactly(new FieldError("input.prompt", "must not be blank"));
	}

	@Test
	void shouldRequireAPromptEvenThoughTheSchemaGivesADefault() {
		ObjectNode input = valid();
		input.remove("prompt");

		CheckedInput checked = check(input);

		assertThat(checked.errors()).containsExactly(new FieldError("input.prompt", "is required"));
		assertThat(checked.input().has("prompt")).isFalse();
	}

	@Test
	void shouldRequireImageUrlsEvenThoughTheSchemaGivesADefault() {
		ObjectNode input = valid();
		input.remove("image_urls");

		assertThat(errorsFor(input)).containsExactly(new FieldError("input.image_urls", "is required"));
		assertThat(this.probedWithMaxBytes).isEmpty();
	}

	@Test
	void shouldRejectNoImage() {
		assertThat(errorsFor(input("""
				{"prompt": "p", "image_urls": []}""")))
			.containsExactly(new FieldError("input.image_urls", "must have at least 1 item, got 0"));
	}

	@Test
	void shouldRejectTwoImagesWithoutFetchingThem() {
		this.images.put("https://images.example/dog.png", png(1024, 768, 1000));

		assertThat(errorsFor(input("""
				{"prompt": "p", "image_urls": ["%s", "https://images.example/dog.png"]}""".formatted(IMAGE))))
			.containsExactly(new FieldError("input.image_urls", "must have at most 1 item, got 2"));
		assertThat(this.probedWithMaxBytes).isEmpty();
	}

	@Test
	void shouldRejectANonStringImage() {
		assertThat(errorsFor(input("""
				{"prompt": "p", "image_urls": [5]}""")))
			.containsExactly(new FieldError("input.image_urls[0]", "must be a string, got an integer"));
	}

	@Test
	void shouldRejectImageUrlsThatAreNotAList() {
		assertThat(errorsFor(input("""
				{"prompt": "p", "image_urls": "%s"}""".formatted(IMAGE))))
			.containsExactly(new FieldError("input.image_urls", "must be an array, got a string"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "ftp://images.example/cat.png", "javascript:alert(1)", "file:///etc/passwd",
			"images.example/cat.png" })
	void shouldRejectAnImageUriThatIsNotHttpOrData(String uri) {
		assertThat(errorsFor(valid().set("image_urls", this.json.createArrayNode().add(uri)))).containsExactly(
				new FieldError("input.image_urls[0]", "must be an http(s) URL or a data:<media type>;base64, URI"));
		assertThat(this.probedWithMaxBytes).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "data:image/png,rawbytes", "data:text/plain,hi", "data:image/png;charset=x,abc" })
	void shouldRejectADataUriThatIsNotBase64WithoutProbingIt(String uri) {
		assertThat(errorsFor(valid().set("image_urls", this.json.createArrayNode().add(uri))))
			.containsExactly(new FieldError("input.image_urls[0]",
					"must be a data:<media type>;base64, URI: only base64-encoded data is accepted"));
		assertThat(this.probedWithMaxBytes).isEmpty();
	}

	@Test
	void shouldRejectAStringThatIsNotAUri() {
		assertThat(errorsFor(valid().set("image_urls", this.json.createArrayNode().add("https://a b/c.png"))))
			.singleElement()
			.satisfies((error) -> {
				assertThat(error.field()).isEqualTo("input.image_urls[0]");
				assertThat(error.message()).startsWith("is not a valid URL");
			});
		assertThat(this.probedWithMaxBytes).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "data:image/png;base64,iVBORw0KGgo=", "data:image/jpeg;base64,/9j/4AAQ",
			"HTTPS://images.example/a.jpg", "http://images.example:8080/a?b=c" })
	void shouldProbeHttpUrlsAndPngOrJpegDataUris(String uri) {
		this.images.put(uri, png(1024, 768, 1000));

		assertThat(errorsFor(valid().set("image_urls", this.json.createArrayNode().add(uri)))).isEmpty();
		assertThat(this.probedWithMaxBytes).containsOnlyKeys(uri);
	}

	@Test
	void shouldReportAProbeFailureAsTheImageFieldsError() {
		this.images.clear();

		assertThat(errorsFor(valid())).containsExactly(
				new FieldError("input.image_urls[0]", "The image could not be fetched: the server answered 404."));
	}

	@ParameterizedTest
	@CsvSource({ "'\"7\"', 'must be an integer, got a string'", "1.5, 'must be an integer, got a number'",
			"1.0, 'must be an integer, got 1.0'", "1e3, 'must be an integer, got 1000.0'",
			"true, 'must be an integer, got a boolean'", "null, 'must be an integer, got null'",
			"9223372036854775808, 'must be an integer between -9223372036854775808 and 9223372036854775807, got 9223372036854775808'",
			"-9223372036854775809, 'must be an integer between -9223372036854775808 and 9223372036854775807, got -9223372036854775809'" })
	void shouldRejectASeedThatIsNotA64BitInteger(String seed, String message) {
		assertThat(errorsFor(valid().set("seed", this.json.readTree(seed))))
			.containsExactly(new FieldError("input.seed", message));
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "0", "9223372036854775807", "-9223372036854775808" })
	void shouldAcceptAnySeedThatIsA64BitInteger(String seed) {
		assertThat(errorsFor(valid().set("seed", this.json.readTree(seed)))).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(ints = { 121, 241 })
	void shouldAcceptTheSupportedFrameCounts(int frames) {
		assertThat(errorsFor(valid().put("frames", frames))).isEmpty();
	}

	@ParameterizedTest
	@CsvSource({ "120, 'must be one of 121, 241, got 120'", "7, 'must be one of 121, 241, got 7'",
			"'\"121\"', 'must be an integer, got a string'" })
	void shouldRejectOtherFrameCounts(String frames, String message) {
		assertThat(errorsFor(valid().set("frames", this.json.readTree(frames))))
			.containsExactly(new FieldError("input.frames", message));
	}

	@Test
	void shouldRejectUnknownFields() {
		assertThat(errorsFor(valid().put("foo", 1).put("negative_prompt", "x"))).containsExactly(
				new FieldError("input.foo", "is not a known field"),
				new FieldError("input.negative_prompt", "is not a known field"));
	}

	@ParameterizedTest
	@CsvSource({ "'[1, 2]', 'must be a JSON object, got an array'",
			"'\"hello\"', 'must be a JSON object, got a string'", "null, 'must be a JSON object, got null'",
			"42, 'must be a JSON object, got an integer'" })
	void shouldRejectAnInputThatIsNotAnObject(String input, String message) {
		CheckedInput checked = check(this.json.readTree(input));

		assertThat(checked.errors()).containsExactly(new FieldError("input", message));
		assertThat(checked.input()).isEmpty();
	}

	@Test
	void shouldRequireAnInput() {
		assertThat(check(null).errors()).containsExactly(new FieldError("input", "is required"));
	}

	@Test
	void shouldListEveryFailureInOneAnswer() {
		this.images.put(IMAGE, png(200, 200, 5_000_000));

		assertThat(errorsFor(input("""
				{"prompt": "  ", "image_urls": ["%s"], "frames": 7, "seed": "x", "foo": true}""".formatted(IMAGE))))
			.containsExactlyInAnyOrder(new FieldError("input.prompt", "must not be blank"),
					new FieldError("input.frames", "must be one of 121, 241, got 7"),
					new FieldError("input.seed", "must be an integer, got a string"),
					new FieldError("input.foo", "is not a known field"),
					new FieldError("input.image_urls[0]", FILE_SIZE),
					new FieldError("input.image_urls[0]", SHORTEST_SIDE));
	}

	@ParameterizedTest
	@CsvSource({ "320, 768", "768, 320", "320, 320" })
	void shouldRejectASideOf320Pixels(int width, int height) {
		this.images.put(IMAGE, png(width, height, 1000));

		assertThat(errorsFor(valid())).containsExactly(new FieldError("input.image_urls[0]", SHORTEST_SIDE));
	}

	@ParameterizedTest
	@CsvSource({ "321, 768", "768, 321", "321, 321" })
	void shouldAcceptASideOf321Pixels(int width, int height) {
		this.images.put(IMAGE, png(width, height, 1000));

		assertThat(errorsFor(valid())).isEmpty();
	}

	@ParameterizedTest
	@CsvSource({ "4096, 2048", "2048, 4096", "4096, 4096" })
	void shouldAcceptASideOf4096Pixels(int width, int height) {
		this.images.put(IMAGE, png(width, height, 1000));

		assertThat(errorsFor(valid())).isEmpty();
	}

	@ParameterizedTest
	@CsvSource({ "4097, 2048", "2048, 4097", "4097, 4097" })
	void shouldRejectASideOf4097Pixels(int width, int height) {
		this.images.put(IMAGE, png(width, height, 1000));

		assertThat(errorsFor(valid())).containsExactly(new FieldError("input.image_urls[0]", MAXIMUM_RESOLUTION));
	}

	@Test
	void shouldRejectAWidthToHeightRatioOf3() {
		this.images.put(IMAGE, png(1200, 400, 1000));

		assertThat(errorsFor(valid())).containsExactly(new FieldError("input.image_urls[0]", RATIO_AT_MOST_3));
	}

	@Test
	void shouldAcceptAWidthToHeightRatioJustUnder3() {
		this.images.put(IMAGE, png(1199, 400, 1000));

		assertThat(errorsFor(valid())).isEmpty();
	}

	@Test
	void shouldRejectAWidthToHeightRatioOf033() {
		this.images.put(IMAGE, png(330, 1000, 1000));

		assertThat(errorsFor(valid())).containsExactly(new FieldError("input.image_urls[0]", RATIO_ABOVE_0_33));
	}

	@Test
	void shouldAcceptAWidthToHeightRatioJustAbove033() {
		this.images.put(IMAGE, png(331, 1000, 1000));

		assertThat(errorsFor(valid())).isEmpty();
	}

	@Test
	void shouldAcceptAnImageOf4699999Bytes() {
		this.images.put(IMAGE, png(1024, 768, 4_699_999));

		assertThat(errorsFor(valid())).isEmpty();
	}

	@Test
	void shouldRejectAnImageOf4700000Bytes() {
		this.images.put(IMAGE, png(1024, 768, 4_700_000));

		assertThat(errorsFor(valid())).containsExactly(new FieldError("input.image_urls[0]", FILE_SIZE));
	}

	@Test
	void shouldRejectAnImageThatOverranTheProbesCap() {
		this.images.put(IMAGE, new MediaInfo(MediaType.JPEG, 4_700_000, true, 1024, 768));

		assertThat(errorsFor(valid())).containsExactly(new FieldError("input.image_urls[0]", FILE_SIZE));
	}

	@Test
	void shouldReportEveryFailedRuleOfOneImageOnceEach() {
		this.images.put(IMAGE, new MediaInfo(MediaType.PNG, 4_700_000, true, 5000, 300));

		assertThat(errorsFor(valid())).containsExactly(new FieldError("input.image_urls[0]", FILE_SIZE),
				new FieldError("input.image_urls[0]", MAXIMUM_RESOLUTION),
				new FieldError("input.image_urls[0]", SHORTEST_SIDE),
				new FieldError("input.image_urls[0]", RATIO_AT_MOST_3));
	}

	@Test
	void shouldRefuseAModelFromElsewhere() {
		Model stranger = new Model("someone/else", "t", "d", this.json.createObjectNode(),
				this.json.createObjectNode());

		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> this.validator.check(stranger, valid()))
			.withMessageContaining("someone/else");
	}

	private CheckedInput check(JsonNode input) {
		return this.validator.check(catalog.defaultModel(), input);
	}

	private List<FieldError> errorsFor(JsonNode input) {
		return check(input).errors();
	}

	private ObjectNode valid() {
		return (ObjectNode) input("""
				{"prompt": "A cat surfing a wave", "image_urls": ["%s"]}""".formatted(IMAGE));
	}

	private JsonNode input(String json) {
		return this.json.readTree(json);
	}

	static MediaInfo png(int width, int height, long sizeBytes) {
		return new MediaInfo(MediaType.PNG, sizeBytes, false, width, height);
	}

}
