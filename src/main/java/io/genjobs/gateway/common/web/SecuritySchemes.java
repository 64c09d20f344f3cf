package io.genjobs.gateway.common.web;

/**
 * Names of the OpenAPI security schemes: {@code ops} declares the schemes, each
 * controller names the one its endpoints require
 * ({@code @SecurityRequirement(name = SecuritySchemes.API_KEY)}).
 */
public final class SecuritySchemes {

	/** A team's API key, {@code Authorization: Bearer rcg_...}. */
	public static final String API_KEY = "apiKey";

	/** The admin token, for {@code /admin/**} only. */
	public static final String ADMIN_TOKEN = "adminToken";

	private SecuritySchemes() {
	}

}
