package io.genjobs.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;

/** Model files for tests, written to a folder, and catalogs read from them. */
final class ModelFiles {

	static final JsonMapper json = JsonMapper.builder().build();

	private ModelFiles() {
	}

	/** A fresh copy of the shipped Dreamina model file, to change and write elsewhere. */
	static ObjectNode dreamina() {
		try (InputStream in = new ClassPathResource("models/dreamina-3-0-pro-image-to-video.json").getInputStream()) {
			return (ObjectNode) json.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A copy of the Dreamina model file under another id. */
	static ObjectNode dreaminaAs(String id) {
		ObjectNode model = dreamina();
		model.put("id", id);
		return model;
	}

	static ObjectNode imageUrls(ObjectNode model) {
		return (ObjectNode) model.get("input_schema").get("properties").get("image_urls");
	}

	static Path write(Path folder, String name, JsonNode model) {
		return write(folder, name, json.writerWithDefaultPrettyPrinter().writeValueAsString(model));
	}

	static Path write(Path folder, String name, String content) {
		try {
			Files.createDirectories(folder);
			return Files.writeString(folder.resolve(name), content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A catalog of the model files in a folder. */
	static ModelCatalog catalog(Path folder, String defaultModel) {
		return new ModelCatalog(
				new CatalogSettings(List.of("file:" + folder.toAbsolutePath() + "/*.json"), defaultModel),
				new DefaultResourceLoader());
	}

}
