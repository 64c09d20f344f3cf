package io.genjobs.gateway.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.stereotype.Component;

/**
 * The models the gateway accepts jobs for, read at start-up from the files that
 * {@code gateway.catalog.locations} matches (one RunComfy schema file per model). A file
 * that cannot be read or compiled (an unknown {@code validation_rule}, an invalid JSON
 * Schema, a duplicate id) or a missing default model stops start-up.
 */
@Component
public class ModelCatalog {

	private final Map<String, CompiledModel> models;

	private final List<Model> all;

	private final Model defaultModel;

	ModelCatalog(CatalogSettings settings, ResourceLoader resourceLoader) {
		this.models = Map.copyOf(
				new CatalogLoader().load(settings, ResourcePatternUtils.getResourcePatternResolver(resourceLoader)));
		this.all = this.models.values()
			.stream()
			.map(CompiledModel::model)
			.sorted((a, b) -> a.id().compareTo(b.id()))
			.toList();
		this.defaultModel = this.models.get(settings.defaultModel()).model();
	}

	/** Every model, in id order. */
	public List<Model> all() {
		return this.all;
	}

	public Optional<Model> find(String id) {
		return Optional.ofNullable(this.models.get(id)).map(CompiledModel::model);
	}

	/** The model of a job that names none ({@code gateway.catalog.default-model}). */
	public Model defaultModel() {
		return this.defaultModel;
	}

	/**
	 * The compiled form of one of this catalog's models.
	 * @throws IllegalArgumentException for a model that is not from this catalog
	 */
	CompiledModel compiled(Model model) {
		CompiledModel compiled = this.models.get(model.id());
		if (compiled == null || !compiled.model().equals(model)) {
			throw new IllegalArgumentException("Model '" + model.id() + "' is not from this catalog");
		}
		return compiled;
	}

}
