package io.genjobs.gateway.catalog;

import io.genjobs.gateway.common.NotFoundException;

/** No model in the catalog has the requested id. */
public class ModelNotFoundException extends NotFoundException {

	private ModelNotFoundException(String id) {
		super("model-not-found", "Model not found", "No model with id '" + id + "' is in the catalog.");
	}

	public static ModelNotFoundException forId(String id) {
		return new ModelNotFoundException(id);
	}

}
