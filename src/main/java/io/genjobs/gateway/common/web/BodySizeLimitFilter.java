package io.genjobs.gateway.common.web;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses a request whose declared {@code Content-Length} is over the body limit before
 * reading a byte of it. Bodies without a length (chunked) are cut off by the codec limit
 * ({@code spring.http.codecs.max-in-memory-size}) as they arrive; both answer 413.
 */
@Component
class BodySizeLimitFilter implements WebFilter, Ordered {

	private final DataSize limit;

	BodySizeLimitFilter(@Value("${spring.http.codecs.max-in-memory-size}") DataSize limit) {
		this.limit = limit;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long declared = exchange.getRequest().getHeaders().getContentLength();
		if (declared > this.limit.toBytes()) {
			return Mono.error(new BodyTooLargeException(declared, this.limit));
		}
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
