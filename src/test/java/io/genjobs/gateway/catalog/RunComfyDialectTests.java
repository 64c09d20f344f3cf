package io.genjobs.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.media.MediaKind;
import io.genjobs.gateway.media.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RunComfy's schema dialect, compiled: every input schema of the sample catalog (a copy
 * of the real entries in src/test/resources/catalog-sample.json), float types, every
 * media format, rules on lists, and schemas the gateway cannot honour.
 */
class RunComfyDialectTests {

	private final JsonMapper json = JsonMapper.builder().build();

	private final InputSchemaCompiler compiler = new InputSchemaCompiler();

	@Test
	void compilesEveryInputSchemaOfTheSampleCatalog() throws IOException {
		JsonNode catalog;
		try (InputStream in = getClass().getResourceAsStream("/catalog-sample.json")) {
			catalog = this.json.readTree(in);
		}
		assertThat(catalog.get("models").size()).isEqualTo(8);
		for (JsonNode model : catalog.get("models")) {
			assertThat(this.compiler.compile(model.get("input_schema"))).as(model.get("model_id").asString())
				.isNotNull();
		}
	}

	@Test
	void readsListFormatsWithTheirKindAndRulesOnEachItem() throws IOException {
		JsonNode catalog;
		try (InputStream in = getClass().getResourceAsStream("/catalog-sample.json")) {
			catalog = this.json.readTree(in);
		}
		JsonNode reference = modelOf(catalog, "bytedance/seedance-2.5/reference-to-video/4k");
		FieldChecks checks = this.compiler.compile(reference).checks();
		assertThat(checks.properties().get("images").items().media().kind()).isEqualTo(MediaKind.IMAGE);
		assertThat(checks.properties().get("videos").items().media().kind()).isEqualTo(MediaKind.VIDEO);
		assertThat(checks.properties().get("audios").items().media().kind()).isEqualTo(MediaKind.AUDIO);
		assertThat(checks.properties().get("images").items().media().accepted())
			.containsExactlyInAnyOrder(MediaType.JPEG, MediaType.PNG, MediaType.WEBP);
		FieldChecks seedream = this.compiler.compile(modelOf(catalog, "bytedance/seedream-5.0-pro/image-to-image"))
			.checks();
		MediaChecks item = seedream.properties().get("image").items().media();
		assertThat(item.rules()).hasSize(5);
		assertThat(item.ruleMaxBytes()).hasValue(29_999_999);
	}

	@Test
	void readsFloatInAnyCaseAsNumber() {
		ObjectNode schema = schema("""
				{"type": "object", "properties": {
				  "strength": {"type": "Float", "minimum": 0, "maximum": 1},
				  "scale": {"type": ["FLOAT", "null"]}}}""");
		InputSchemaCompiler.CompiledInput compiled = this.compiler.compile(schema);
		assertThat(compiled.schema().validate(this.json.readTree("{\"strength\": 0.5, \"scale\": 1.5}"))).isEmpty();
		assertThat(compiled.schema().validate(this.json.readTree("{\"strength\": \"x\"}"))).isNotEmpty();
		assertThat(compiled.schema().validate(this.json.readTree("{\"strength\": 2.5}"))).isNotEmpty();
	}

	@Test
	void readsEverySingleMediaFormat() {
		FieldChecks checks = this.compiler.compile(schema("""
				{"type": "object", "properties": {
				  "image": {"type": "string", "format": "image_uri"},
				  "video": {"type": "string", "format": "video_uri"},
				  "audio": {"type": "string", "format": "audio_uri"},
				  "clips": {"type": "array", "items": {"type": "string", "format": "video_uri"}}}}""")).checks();
		assertThat(checks.properties().get("image").media().kind()).isEqualTo(MediaKind.IMAGE);
		assertThat(checks.properties().get("video").media().kind()).isEqualTo(MediaKind.VIDEO);
		assertThat(checks.properties().get("audio").media().kind()).isEqualTo(MediaKind.AUDIO);
		assertThat(checks.properties().get("clips").items().media().kind()).isEqualTo(MediaKind.VIDEO);
	}

	@Test
	void refusesAnUnknownRuleAnUnknownMediaFormatAndABrokenSchemaWithTheirReasons() {
		assertThatThrownBy(() -> this.compiler.compile(schema("""
				{"type": "object", "properties": {"images": {"type": "array", "format": "image_uris",
				  "validations": [{"validation_rule": "duration_seconds<", "validation_value": 5,
				                   "validation_error": "Too long."}]}}}""")))
			.isInstanceOf(UnusableSchemaException.class)
			.hasMessageContaining("input_schema.properties.images: unknown validation_rule 'duration_seconds<'");
		assertThatThrownBy(() -> this.compiler.compile(schema("""
				{"type": "object", "properties": {"model": {"type": "string", "format": "mesh_uri"}}}""")))
			.isInstanceOf(UnusableSchemaException.class)
			.hasMessageContaining("input_schema.properties.model: unknown media format \"mesh_uri\"");
		assertThatThrownBy(() -> this.compiler.compile(schema("""
				{"type": "object", "properties": {"n": {"type": "whole number"}}}""")))
			.isInstanceOf(UnusableSchemaException.class)
			.hasMessageContaining("not valid JSON Schema");
		assertThatThrownBy(() -> this.compiler.compile(schema("""
				{"type": "object", "properties": {"voice": {"type": "string", "format": "audio_uri",
				  "validations": [{"validation_rule": "width_pixels>", "validation_value": 5,
				                   "validation_error": "Too narrow."}]}}}""")))
			.hasMessageContaining("measures pixels, which audio has not");
		assertThatThrownBy(() -> this.compiler.compile(schema("""
				{"type": "object", "properties": {"image": {"type": "string", "format": "image_uri",
				  "x-media-types": ["image/gif", "audio/mpeg"]}}}""")))
			.hasMessageContaining("\"image/gif\" is not an image type the gateway recognises")
			.hasMessageContaining("\"audio/mpeg\" is not an image type");
	}

	@Test
	void theFirstModelKeepsJpegAndPngOnly() {
		ModelCatalog catalog = new ModelCatalog(
				new CatalogSettings(List.of("classpath*:models/*.json"), CatalogSettings.DEFAULT_MODEL),
				new org.springframework.core.io.DefaultResourceLoader());
		FieldChecks checks = catalog.compiled(catalog.defaultModel()).checks();
		assertThat(checks.properties().get("image_urls").items().media().accepted())
			.containsExactlyInAnyOrder(MediaType.JPEG, MediaType.PNG);
	}

	private static JsonNode modelOf(JsonNode catalog, String id) {
		for (JsonNode model : catalog.get("models")) {
			if (model.get("model_id").asString().equals(id)) {
				return model.get("input_schema");
			}
		}
		throw new IllegalArgumentException(id);
	}

	private ObjectNode schema(String text) {
		return (ObjectNode) this.json.readTree(text);
	}

}
