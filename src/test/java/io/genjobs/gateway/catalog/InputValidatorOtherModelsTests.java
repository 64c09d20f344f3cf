package io.genjobs.gateway.catalog;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.media.MediaProbe;
import io.genjobs.gateway.media.MediaProbeException;

import static io.genjobs.gateway.catalog.InputValidatorTests.png;
import static io.genjobs.gateway.catalog.ModelFiles.dreaminaAs;
import static io.genjobs.gateway.catalog.ModelFiles.imageUrls;
import static io.genjobs.gateway.catalog.ModelFiles.json;
import static io.genjobs.gateway.catalog.ModelFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validation of models that are only a new schema file: several images, a single image
 * field, nested objects.
 */
class InputValidatorOtherModelsTests {

	@TempDir
	Path folder;

	final Map<String, Long> probedWithMaxBytes = new ConcurrentHashMap<>();

	@Test
	void shouldProbeSeveralImagesInParallel() {
		ObjectNode model = dreaminaAs("acme/collage");
		imageUrls(model).put("maxItems", 3).remove("validations");
		CountDownLatch allProbing = new CountDownLatch(3);
		MediaProbe probe = (uri, kind, maxBytes) -> {
			this.probedWithMaxBytes.put(uri, maxBytes);
			allProbing.countDown();
			try {
				if (!allProbing.await(10, TimeUnit.SECONDS)) {
					throw new MediaProbeException("probed one after another");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new MediaProbeException("interrupted");
			}
			return png(1024, 768, 1000);
		};

		CheckedInput checked = validator(model, probe).apply(json.readTree("""
				{"prompt": "p", "image_urls": ["https://a.example/1.png", "https://a.example/2.png",
				 "https://a.example/3.png"]}"""));

		assertThat(checked.errors()).isEmpty();
		// No size rule: the probe reads 20 MB at most.
		assertThat(this.probedWithMaxBytes).hasSize(3)
			.allSatisfy((uri, maxBytes) -> assertThat(maxBytes).isEqualTo(50L * 1024 * 1024));
	}

	@Test
	void shouldCheckASingleImageFieldWithAnInclusiveSizeRule() {
		ObjectNode model = dreaminaAs("acme/masked");
		((ObjectNode) model.at("/input_schema/properties")).set("mask", json.readTree("""
				{"type": "string", "format": "image_uri", "validations": [
				  {"validation_rule": "file_size_mb<=", "validation_value": 2,
				   "validation_error": "The mask must be at most 2 MB."}]}"""));
		Map<String, Long> sizes = Map.of("https://a.example/small.png", 2_000_000L, "https://a.example/big.png",
				2_000_001L, "https://a.example/photo.png", 1000L);
		MediaProbe probe = (uri, kind, maxBytes) -> {
			this.probedWithMaxBytes.put(uri, maxBytes);
			return png(1024, 768, sizes.get(uri));
		};
		Function<JsonNode, CheckedInput> validator = validator(model, probe);

		assertThat(validator.apply(withMask("https://a.example/small.png")).errors()).isEmpty();
		assertThat(validator.apply(withMask("https://a.example/big.png")).errors())
			.containsExactly(new FieldError("input.mask", "The mask must be at most 2 MB."));
		assertThat(this.probedWithMaxBytes).containsEntry("https://a.example/small.png", 2_000_000L)
			.containsEntry("https://a.example/photo.png", 4_699_999L);
	}

	@Test
	void shouldCheckNestedObjects() {
		ObjectNode model = dreaminaAs("acme/styled");
		((ObjectNode) model.at("/input_schema/properties")).set("options", json.readTree("""
				{"type": "object", "required": ["mode"], "properties": {
				  "mode": {"type": "string"},
				  "style": {"type": "string", "default": "cinematic"},
				  "strength": {"type": "integer"}}}"""));
		Function<JsonNode, CheckedInput> validator = validator(model, (uri, kind, maxBytes) -> png(1024, 768, 1000));

		CheckedInput checked = validator.apply(json.readTree("""
				{"prompt": "p", "image_urls": ["https://a.example/1.png"],
				 "options": {"mode": " ", "strength": 2.0, "extra": 1}}"""));

		assertThat(checked.errors()).containsExactlyInAnyOrder(
				new FieldError("input.options.extra", "is not a known field"),
				new FieldError("input.options.mode", "must not be blank"),
				new FieldError("input.options.strength", "must be an integer, got 2.0"));
		assertThat(checked.input().at("/options/style").asString()).isEqualTo("cinematic");
	}

	private JsonNode withMask(String mask) {
		return json.readTree("""
				{"prompt": "p", "image_urls": ["https://a.example/photo.png"], "mask": "%s"}""".formatted(mask));
	}

	/** Checks inputs of the one model in a catalog of that model file alone. */
	private Function<JsonNode, CheckedInput> validator(ObjectNode model, MediaProbe probe) {
		write(this.folder, "model.json", model);
		ModelCatalog catalog = ModelFiles.catalog(this.folder, model.get("id").asString());
		InputValidator validator = new InputValidator(catalog, probe);
		return (input) -> validator.check(catalog.defaultModel(), input);
	}

}
