package io.genjobs.gateway.catalog;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.common.web.SecuritySchemes;

/** The catalog, read-only: {@code GET /models} and {@code GET /models/{id}}. */
@RestController
@Tag(name = "models")
@SecurityRequirement(name = SecuritySchemes.API_KEY)
class ModelController {

	private final ModelCatalog catalog;

	ModelController(ModelCatalog catalog) {
		this.catalog = catalog;
	}

	@Operation(operationId = "listModels", summary = "The model catalog")
	@ApiResponse(responseCode = "200", description = "Every model with its input schema")
	@GetMapping("/models")
	ModelList list() {
		return new ModelList(this.catalog.all());
	}

	/**
	 * One model. Model ids contain slashes
	 * ({@code /models/bytedance/dreamina-3-0/pro/image-to-video}), so the rest of the
	 * path is captured whole; it starts with the slash after {@code /models}.
	 */
	@Operation(operationId = "getModel", summary = "One model (its id contains slashes)")
	@ApiResponse(responseCode = "200", description = "The model with its input JSON Schema")
	@ApiResponse(responseCode = "404", description = "Unknown model (`model-not-found`)")
	@GetMapping("/models/{*id}")
	Model get(@PathVariable String id) {
		String modelId = id.startsWith("/") ? id.substring(1) : id;
		return this.catalog.find(modelId).orElseThrow(() -> ModelNotFoundException.forId(modelId));
	}

	/** The list envelope, shaped like every list the API answers. */
	record ModelList(List<Model> data) {
	}

}
