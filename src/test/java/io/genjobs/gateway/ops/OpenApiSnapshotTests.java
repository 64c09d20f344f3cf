package io.genjobs.gateway.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.genjobs.gateway.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The committed OpenAPI document, {@value #SNAPSHOT}, which clients are generated from
 * (README, "A typed client"), is the one the gateway serves at {@code /v3/api-docs}. A
 * change to the API shows up here until the snapshot is rewritten with
 * {@value #UPDATE_COMMAND} (and reviewed in the diff).
 * <p>
 * Both are compared in one canonical form: members sorted, two-space indents, no
 * {@code servers} (they name the test's random port) and a fixed {@code info.version}.
 */
@IntegrationTest
class OpenApiSnapshotTests {

	static final String SNAPSHOT = "docs/openapi.json";

	static final String UPDATE_PROPERTY = "openapi.snapshot.update";

	static final String UPDATE_COMMAND = "./mvnw -o verify -Dtest=OpenApiSnapshotTests -Dsurefire.failIfNoSpecifiedTests=false -D"
			+ UPDATE_PROPERTY + "=true";

	private static final JsonMapper canonical = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.build();

	@Autowired
	WebTestClient client;

	@Test
	void theCommittedSnapshotIsTheServedDocument() throws IOException {
		String live = canonical(this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		Path snapshot = Path.of(SNAPSHOT);
		if (Boolean.getBoolean(UPDATE_PROPERTY)) {
			Files.createDirectories(snapshot.toAbsolutePath().getParent());
			Files.writeString(snapshot, live, StandardCharsets.UTF_8);
			return;
		}
		if (!Files.exists(snapshot)) {
			fail(SNAPSHOT + " is missing; write it with: " + UPDATE_COMMAND);
		}
		String committed = Files.readString(snapshot, StandardCharsets.UTF_8);
		if (!committed.equals(live)) {
			fail("The OpenAPI document the gateway serves differs from " + SNAPSHOT + " (first difference: "
					+ firstDifference(committed, live)
					+ ").\nIf the API change is meant, rewrite the snapshot with:\n  " + UPDATE_COMMAND
					+ "\nand commit it.");
		}
		assertThat(canonical.readTree(committed).get("paths").properties()).isNotEmpty();
	}

	/** The document in the one form both sides are compared in. */
	static String canonical(byte[] document) {
		ObjectNode tree = (ObjectNode) canonical.readTree(document);
		tree.remove("servers");
		((ObjectNode) tree.get("info")).put("version", "snapshot");
		Object plain = canonical.treeToValue(tree, Object.class);
		return canonical.writeValueAsString(plain) + "\n";
	}

	private static String firstDifference(String committed, String live) {
		List<String> a = committed.lines().toList();
		List<String> b = live.lines().toList();
		for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
			String was = (i < a.size()) ? a.get(i) : "(end)";
			String is = (i < b.size()) ? b.get(i) : "(end)";
			if (!was.equals(is)) {
				return "line " + (i + 1) + ": snapshot has " + was.strip() + ", the gateway serves " + is.strip();
			}
		}
		return "none by line";
	}

	/** The snapshot is valid JSON of an OpenAPI 3 document: a last guard on the file. */
	@Test
	void theSnapshotIsAnOpenApiDocument() throws IOException {
		Path snapshot = Path.of(SNAPSHOT);
		if (Boolean.getBoolean(UPDATE_PROPERTY) || !Files.exists(snapshot)) {
			return;
		}
		JsonNode document = canonical.readTree(Files.readString(snapshot, StandardCharsets.UTF_8));
		assertThat(document.get("openapi").asString()).startsWith("3.");
		assertThat(document.get("components").get("securitySchemes").properties()).isNotEmpty();
	}

}
