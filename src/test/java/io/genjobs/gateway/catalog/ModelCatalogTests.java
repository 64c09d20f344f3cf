package io.genjobs.gateway.catalog;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;

import static io.genjobs.gateway.catalog.ModelFiles.dreamina;
import static io.genjobs.gateway.catalog.ModelFiles.dreaminaAs;
import static io.genjobs.gateway.catalog.ModelFiles.imageUrls;
import static io.genjobs.gateway.catalog.ModelFiles.json;
import static io.genjobs.gateway.catalog.ModelFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ModelCatalogTests {

	static final String DREAMINA = "bytedance/dreamina-3-0/pro/image-to-video";

	static final String KNOWN = "known metrics: file_size_mb, width_pixels, height_pixels, width/height;"
			+ " operators: <, <=, >, >=, ==";

	@TempDir
	Path folder;

	@Test
	void shouldLoadTheShippedModel() {
		ModelCatalog catalog = new ModelCatalog(
				new CatalogSettings(List.of("classpath*:models/*.json"), CatalogSettings.DEFAULT_MODEL),
				new DefaultResourceLoader());

		assertThat(catalog.all()).extracting(Model::id).containsExactly(DREAMINA);
		assertThat(catalog.defaultModel().id()).isEqualTo(DREAMINA);
		assertThat(catalog.find(DREAMINA)).containsSame(catalog.defaultModel());
		assertThat(catalog.find("bytedance/dreamina-3-0")).isEmpty();
		Model model = catalog.defaultModel();
		assertThat(model.title()).isEqualTo("Dreamina 3.0 Pro — image to video");
		assertThat(model.description()).startsWith("Convert images to vivid 2K motion");
		// RunComfy's schema as published, not a translation of it.
		assertThat(model.inputSchema().get("title").asString()).isEqualTo("modelApiDoc_navInputSchema");
		assertThat(model.inputSchema().has("additionalProperties")).isFalse();
		assertThat(model.inputSchema().at("/properties/image_urls/validations")).hasSize(7);
		assertThat(model.inputSchema().at("/properties/image_urls/validations/0")).isEqualTo(json.readTree("""
				{"validation_rule": "file_size_mb<", "validation_value": 4.7,
				 "validation_error": "File size must be less than 4.7 MB."}"""));
		assertThat(model.outputSchema().at("/output/properties").propertyNames()).containsExactly("image", "video",
				"images", "videos");
	}

	@Test
	void shouldNameAClasspathFileByItsPathBelowTheClasspathRoot() throws Exception {
		ClassPathResource resource = new ClassPathResource("models/dreamina-3-0-pro-image-to-video.json");

		assertThat(CatalogLoader.displayName("classpath*:models/*.json", resource))
			.isEqualTo("models/dreamina-3-0-pro-image-to-video.json");
	}

	@Test
	void shouldStopOnAnUnknownValidationRule() throws Exception {
		ObjectNode model = dreamina();
		((ObjectNode) imageUrls(model).get("validations").get(1)).put("validation_rule", "depth_pixels>");
		write(this.folder.resolve("models"), "x.json", model);

		try (URLClassLoader classLoader = new URLClassLoader(new URL[] { this.folder.toUri().toURL() }, null)) {
			CatalogSettings settings = new CatalogSettings(List.of("classpath*:models/*.json"), DREAMINA);

			assertThatExceptionOfType(InvalidCatalogException.class)
				.isThrownBy(() -> new ModelCatalog(settings, new DefaultResourceLoader(classLoader)))
				.satisfies((ex) -> assertThat(ex.problems()).containsExactly(
						"models/x.json: input_schema.properties.image_urls: unknown validation_rule 'depth_pixels>'; "
								+ KNOWN))
				.withMessageContaining("models/x.json: input_schema.properties.image_urls: unknown validation_rule"
						+ " 'depth_pixels>'; " + KNOWN);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "width_pixels", "<", "width_pixels=<", "width_pixels=", "WIDTH_PIXELS<", "width_pixels <",
			"width_pixels<<", "" })
	void shouldStopOnAnUnparseableValidationRule(String rule) {
		ObjectNode model = dreamina();
		((ObjectNode) imageUrls(model).get("validations").get(1)).put("validation_rule", rule);

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("x.json: input_schema.properties.image_urls: unknown validation_rule '" + rule + "'; " + KNOWN);
	}

	@Test
	void shouldStopOnANonNumericValidationValue() {
		ObjectNode model = dreamina();
		((ObjectNode) imageUrls(model).get("validations").get(0)).put("validation_value", "4.7");

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("x.json: input_schema.properties.image_urls: validation_value of 'file_size_mb<' must be a"
					+ " number, got \"4.7\"");
	}

	@Test
	void shouldStopOnAValidationWithoutAnErrorMessage() {
		ObjectNode model = dreamina();
		((ObjectNode) imageUrls(model).get("validations").get(0)).remove("validation_error");

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("input_schema.properties.image_urls: validation_error of 'file_size_mb<' must be a message");
	}

	@Test
	void shouldStopOnValidationsOfAFieldThatIsNotAnImage() {
		ObjectNode model = dreamina();
		((ObjectNode) model.at("/input_schema/properties/prompt")).set("validations",
				imageUrls(model).get("validations").deepCopy());

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("input_schema.properties.prompt: validations apply only to a media URI (format image_uri,"
					+ " video_uri, audio_uri) or a list of them");
	}

	@Test
	void shouldStopOnValidationsItCouldNotEnforce() {
		ObjectNode model = dreamina();
		ObjectNode schema = (ObjectNode) model.get("input_schema");
		schema.putArray("allOf").addObject().set("validations", imageUrls(model).get("validations").deepCopy());

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("input_schema.allOf[0]: validations here would not be enforced: only properties and array"
					+ " items reached through properties and items are checked");
	}

	@Test
	void shouldStopOnAnInvalidJsonSchema() {
		ObjectNode model = dreamina();
		((ObjectNode) model.at("/input_schema/properties/prompt")).put("maxLength", "800");
		((ObjectNode) model.at("/input_schema/properties/seed")).put("type", "int");

		assertThat(problemsOf(model))
			.anySatisfy((problem) -> assertThat(problem)
				.contains("x.json: input_schema.properties.prompt.maxLength: not valid JSON Schema: "))
			.anySatisfy((problem) -> assertThat(problem)
				.contains("x.json: input_schema.properties.seed.type: not valid JSON Schema: "));
	}

	@Test
	void shouldStopOnAnInputSchemaThatIsNotAnObjectSchema() {
		ObjectNode model = dreamina();
		((ObjectNode) model.get("input_schema")).put("type", "array");

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("x.json: input_schema.type: must be \"object\": a model's input is a JSON object");
	}

	@Test
	void shouldStopOnAPatternTheLibraryCannotCompile() {
		ObjectNode model = dreamina();
		((ObjectNode) model.at("/input_schema/properties/prompt")).put("pattern", "(");

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.contains("x.json: input_schema: not a usable JSON Schema: ");
	}

	@Test
	void shouldStopOnAnInvalidDefault() {
		ObjectNode model = dreamina();
		((ObjectNode) model.at("/input_schema/properties/frames")).put("default", 7);

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("x.json: input_schema: the default for input.frames is invalid: must be one of 121, 241, got 7");
	}

	@Test
	void shouldStopOnAReferenceOutsideTheFile() {
		ObjectNode model = dreamina();
		((ObjectNode) model.at("/input_schema/properties/seed")).put("$ref", "https://schemas.example/seed.json");

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.endsWith("x.json: input_schema.properties.seed.$ref: only references inside the file (starting"
					+ " with #) are allowed, got \"https://schemas.example/seed.json\"");
	}

	@Test
	void shouldStopOnAnUnknownDialect() {
		ObjectNode model = dreamina();
		((ObjectNode) model.get("input_schema")).put("$schema", "https://schemas.example/my-dialect");

		assertThat(problemsOf(model)).singleElement()
			.asString()
			.contains(
					"x.json: input_schema.$schema: unknown JSON Schema dialect \"https://schemas.example/my-dialect\"");
	}

	@Test
	void shouldAcceptAnotherKnownDialect() {
		ObjectNode model = dreamina();
		((ObjectNode) model.get("input_schema")).put("$schema", "http://json-schema.org/draft-07/schema#");
		write(this.folder, "x.json", model);

		assertThat(ModelFiles.catalog(this.folder, DREAMINA).all()).hasSize(1);
	}

	@Test
	void shouldStopOnAFileThatIsNotJson() {
		write(this.folder, "x.json", "{\"id\": \"a/b\",");
		write(this.folder, "y.json", dreamina());

		assertThat(problems()).singleElement().asString().contains("x.json: not valid JSON: ").contains("(line ");
	}

	@Test
	void shouldStopOnADuplicateKey() {
		write(this.folder, "x.json", "{\"id\": \"a/b\", \"id\": \"a/c\"}");
		write(this.folder, "y.json", dreamina());

		assertThat(problems()).singleElement().asString().contains("x.json: not valid JSON: Duplicate");
	}

	@Test
	void shouldStopOnAMissingOrUnknownKey() {
		ObjectNode model = dreamina();
		model.remove("title");
		model.set("inputSchema", model.get("input_schema"));

		assertThat(problemsOf(model)).containsExactlyInAnyOrder(this.folder.resolve("x.json")
				+ ": inputSchema: unknown key; a model file has id, title, description,"
				+ " input_schema, output_schema, display_name, categories, base_price_usd, price_unit, pricing_note",
				this.folder.resolve("x.json") + ": title: is required and must be a non-blank string");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/leading/slash", "trailing/", "two//slashes", "with space", "../escape", "a/../b",
			"a/.hidden" })
	void shouldStopOnAnIdThatCannotBeAModelId(String id) {
		assertThat(problemsOf(dreaminaAs(id))).isNotEmpty()
			.anySatisfy((problem) -> assertThat(problem).contains("x.json: id: "));
	}

	@Test
	void shouldStopOnADuplicateId() {
		write(this.folder, "a.json", dreamina());
		write(this.folder, "b.json", dreamina());

		assertThat(problems()).containsExactly(this.folder.resolve("b.json") + ": id: '" + DREAMINA
				+ "' is already declared by " + this.folder.resolve("a.json"));
	}

	@Test
	void shouldStopWithoutTheDefaultModel() {
		write(this.folder, "a.json", dreaminaAs("someone/other-model"));

		assertThat(problems()).containsExactly("gateway.catalog.default-model: no model file declares id '" + DREAMINA
				+ "' (found: someone/other-model)");
	}

	@Test
	void shouldStopWhenNoFileMatches() {
		assertThat(problems()).containsExactly(
				"gateway.catalog.default-model: no model file declares id '" + DREAMINA + "' (found: none)");
	}

	@Test
	void shouldListEveryProblemAtOnce() {
		ObjectNode first = dreaminaAs("a/one");
		((ObjectNode) imageUrls(first).get("validations").get(0)).put("validation_rule", "bytes<");
		ObjectNode second = dreaminaAs("a/two");
		((ObjectNode) imageUrls(second).get("validations").get(2)).put("validation_value", "many");
		write(this.folder, "one.json", first);
		write(this.folder, "two.json", second);

		assertThatExceptionOfType(InvalidCatalogException.class)
			.isThrownBy(() -> ModelFiles.catalog(this.folder, "a/one"))
			.withMessageStartingWith("The model catalog (gateway.catalog.locations) is invalid:\n - ")
			.satisfies((ex) -> assertThat(ex.problems()).hasSize(2)
				.anySatisfy((problem) -> assertThat(problem).contains("one.json: ").contains("'bytes<'"))
				.anySatisfy((problem) -> assertThat(problem).contains("two.json: ").contains("'height_pixels<='")));
	}

	@Test
	void shouldAddAModelFromAFileAlone() {
		write(this.folder, "a.json", dreamina());
		ObjectNode other = dreaminaAs("acme/other-model");
		other.put("title", "Another model");
		write(this.folder, "b.json", other);

		ModelCatalog catalog = ModelFiles.catalog(this.folder, DREAMINA);

		assertThat(catalog.all()).extracting(Model::id).containsExactly("acme/other-model", DREAMINA);
		assertThat(catalog.find("acme/other-model")).get().extracting(Model::title).isEqualTo("Another model");
	}

	@Test
	void shouldFailASpringContextWhoseCatalogIsInvalid() {
		ObjectNode model = dreamina();
		((ObjectNode) imageUrls(model).get("validations").get(3)).put("validation_rule", "depth_pixels>");
		write(this.folder, "x.json", model);

		new ApplicationContextRunner().withUserConfiguration(CatalogOnly.class)
			.withPropertyValues("gateway.catalog.locations=file:" + this.folder.toAbsolutePath() + "/*.json")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidCatalogException.class)
				.hasMessageContaining(this.folder.resolve("x.json")
						+ ": input_schema.properties.image_urls: unknown validation_rule 'depth_pixels>'; " + KNOWN));
	}

	@Test
	void shouldStartASpringContextWithTheShippedCatalog() {
		new ApplicationContextRunner().withUserConfiguration(CatalogOnly.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(ModelCatalog.class)
				.extracting((catalog) -> catalog.defaultModel().id())
				.isEqualTo(DREAMINA));
	}

	private List<String> problemsOf(JsonNode model) {
		write(this.folder, "x.json", model);
		return problems();
	}

	private List<String> problems() {
		InvalidCatalogException failure = catchThrowableOfType(InvalidCatalogException.class,
				() -> ModelFiles.catalog(this.folder, DREAMINA));
		assertThat(failure).as("the catalog's start-up failure").isNotNull();
		return failure.problems();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(CatalogSettings.class)
	@Import(ModelCatalog.class)
	static class CatalogOnly {

	}

}
