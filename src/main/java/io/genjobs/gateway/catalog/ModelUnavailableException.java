package io.genjobs.gateway.catalog;

import io.genjobs.gateway.common.GatewayException;

/**
 * The model is in the catalog but cannot take jobs now: its synced schema is one the
 * gateway cannot honour, or RunComfy no longer lists it.
 */
public class ModelUnavailableException extends GatewayException {

	private ModelUnavailableException(CatalogEntry entry) {
		super(Kind.INVALID, "model-unavailable", "Model unavailable",
				"Model '" + entry.id() + "' is unavailable: " + entry.unavailableReason());
		extension("model", entry.id());
		extension("unavailable_reason", entry.unavailableReason());
	}

	public static ModelUnavailableException of(CatalogEntry entry) {
		return new ModelUnavailableException(entry);
	}

}
