package io.genjobs.gateway.common.web;

import java.time.Duration;

import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Deadlines on what a client sends, so that a slow or silent client cannot hold a
 * connection (and its memory) for ever: {@code gateway.http.read-timeout} between two
 * reads of a request's body, {@code gateway.http.request-timeout} for the whole body. The
 * wait for a request on an idle connection is Spring Boot's
 * {@code server.netty.idle-timeout}. Reactor Netty closes a connection that misses one.
 */
@Component
class HttpServerTimeouts implements NettyServerCustomizer {

	private final Duration readTimeout;

	private final Duration requestTimeout;

	HttpServerTimeouts(@Value("${gateway.http.read-timeout:30s}") Duration readTimeout,
			@Value("${gateway.http.request-timeout:2m}") Duration requestTimeout) {
		this.readTimeout = readTimeout;
		this.requestTimeout = requestTimeout;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.readTimeout(this.readTimeout).requestTimeout(this.requestTimeout);
	}

}
