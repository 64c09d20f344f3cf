package io.genjobs.gateway.upstream;

/**
 * Where {@link RunComfyClient} sends its calls and the token it sends: RunComfy itself,
 * or the built-in simulator when it is enabled. A bean of its own so that the client need
 * not know which, and the simulator's port is known before the client is built.
 *
 * @param baseUrl the base URL, without a trailing slash
 * @param apiToken the bearer token; never printed
 */
record UpstreamEndpoint(String baseUrl, String apiToken) {

	UpstreamEndpoint {
		baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
	}

	@Override
	public String toString() {
		return "UpstreamEndpoint[baseUrl=" + this.baseUrl + ", apiToken=(hidden)]";
	}

}
