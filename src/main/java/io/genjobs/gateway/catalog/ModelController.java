package io.genjobs.gateway.catalog;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The catalog, read-only: {@code GET /models} and {@code GET /models/{id}}. */
@RestController
class ModelController {

	private final ModelCatalog catalog;

	ModelController(ModelCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/models")
	ModelList list() {
		return new ModelList(this.catalog.all());
	}

	/**
	 * One model. Model ids contain slashes
	 * ({@code /models/bytedance/dreamina-3-0/pro/image-to-video}), so the rest of the
	 * path is captured whole; it starts with the slash after {@code /models}.
	 */
	@GetMapping("/models/{*id}")
	Model get(@PathVariable String id) {
		String modelId = id.startsWith("/") ? id.substring(1) : id;
		return this.catalog.find(modelId).orElseThrow(() -> ModelNotFoundException.forId(modelId));
	}

	/** The list envelope, shaped like every list the API answers. */
	record ModelList(List<Model> data) {
	}

}
