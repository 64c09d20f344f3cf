package io.genjobs.gateway.common.web;

import org.springframework.context.ApplicationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the management server's requests from the API's. Spring Boot applies the
 * application's filters to the management server (a child context on its own port) too,
 * and a filter for API requests lets those through untouched.
 */
public final class ManagementServer {

	private ManagementServer() {
	}

	/**
	 * Whether the management server, not {@code application} itself, serves the exchange.
	 */
	public static boolean serves(ServerWebExchange exchange, ApplicationContext application) {
		ApplicationContext served = exchange.getApplicationContext();
		return served != null && served != application && served.getParent() == application;
	}

}
