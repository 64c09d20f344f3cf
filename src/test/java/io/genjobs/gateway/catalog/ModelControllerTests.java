package io.genjobs.gateway.catalog;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.genjobs.gateway.IntegrationTest;
import io.genjobs.gateway.support.TestTeamsWithKeys;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code GET /models} and {@code GET /models/{id}} over HTTP. */
@IntegrationTest
@Import(TestTeamsWithKeys.class)
class ModelControllerTests {

	static final String DREAMINA = "bytedance/dreamina-3-0/pro/image-to-video";

	@Autowired
	WebTestClient client;

	@Autowired
	TestTeamsWithKeys teams;

	@BeforeEach
	void authenticateAsATeam() {
		this.client = this.client.mutate().defaultHeader("Authorization", this.teams.create().bearer()).build();
	}

	@Test
	void shouldRefuseACallerWithoutAKey() {
		this.client.get()
			.uri("/models")
			.header("Authorization", "Bearer nope")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void shouldListTheModelsWithTheirSchemasPricesAndAvailability() {
		this.client.get()
			.uri("/models?search=dreamina-3-0")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.data.length()")
			.isEqualTo(1)
			.jsonPath("$.next_cursor")
			.isEmpty()
			.jsonPath("$.data[0].id")
			.isEqualTo(DREAMINA)
			.jsonPath("$.data[0].display_name")
			.isNotEmpty()
			.jsonPath("$.data[0].description")
			.isNotEmpty()
			.jsonPath("$.data[0].available")
			.isEqualTo(true)
			.jsonPath("$.data[0].unavailable_reason")
			.isEmpty()
			.jsonPath("$.data[0].source")
			.isEqualTo("local")
			.jsonPath("$.data[0].input_schema.required")
			.isEqualTo(List.of("prompt", "image_urls"))
			.jsonPath("$.data[0].input_schema.properties.image_urls.validations[3].validation_rule")
			.isEqualTo("width_pixels>")
			.jsonPath("$.data[0].output_schema.output.properties.video.format")
			.isEqualTo("uri");
	}

	@Test
	void shouldGetAModelByAnIdWithSlashes() {
		this.client.get()
			.uri("/models/" + DREAMINA)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(DREAMINA)
			.jsonPath("$.input_schema.properties.frames.enum")
			.isEqualTo(List.of(121, 241))
			.jsonPath("$.input_schema.properties.image_urls.validations[0].validation_value")
			.isEqualTo(4.7)
			.jsonPath("$.output_schema")
			.exists()
			.jsonPath("$.inputSchema")
			.doesNotExist();
	}

	@Test
	void shouldAnswerAnUnknownModelWithAProblem() {
		this.client.get()
			.uri("/models/bytedance/dreamina-3-0/pro/no-such-thing")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/model-not-found")
			.jsonPath("$.title")
			.isEqualTo("Model not found")
			.jsonPath("$.status")
			.isEqualTo(404)
			.jsonPath("$.detail")
			.isEqualTo("No model with id 'bytedance/dreamina-3-0/pro/no-such-thing' is in the catalog.");
	}

	@Test
	void shouldNotFindAModelByAPartOfItsId() {
		this.client.get()
			.uri("/models/bytedance/dreamina-3-0")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://runcomfy-gateway.genjobs.io/problems/model-not-found");
	}

}
