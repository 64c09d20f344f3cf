package io.genjobs.gateway.storage;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import io.genjobs.gateway.common.Causes;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundRefusedException;

/**
 * Opens output files for copying through the {@link OutboundGuard} (every connection and
 * redirect checked), as blocking streams: the body flows through a bounded window of
 * buffers ({@value #WINDOW} of the HTTP client's chunks), requested from the network only
 * as the reader takes them, so a file of any size takes the same memory. A download that
 * sends no byte for {@code idle-timeout} fails.
 */
final class OutputDownloads {

	private static final int WINDOW = 16;

	private final WebClient client;

	private final Duration idleTimeout;

	OutputDownloads(OutboundGuard guard, Duration idleTimeout) {
		this.client = guard.webClientBuilder(true).build();
		this.idleTimeout = idleTimeout;
	}

	/** A file being downloaded; closing its body ends the download. */
	record Download(String contentType, long contentLength, InputStream body) {
	}

	/** Sends the request and answers once the response's headers are in. */
	Download open(String url) throws CopyFailure {
		URI uri;
		try {
			uri = new URI(url.strip());
		}
		catch (URISyntaxException ex) {
			throw CopyFailure.lasting("its URL is not a valid URL");
		}
		String host = uri.getHost();
		ResponseEntity<Flux<DataBuffer>> response;
		try {
			response = this.client.get()
				.uri(uri)
				.retrieve()
				.onStatus((status) -> !status.is2xxSuccessful(), (answer) -> refuse(answer, host))
				.toEntityFlux(DataBuffer.class)
				.timeout(this.idleTimeout)
				.block();
		}
		catch (RuntimeException ex) {
			throw failure(ex, host);
		}
		MediaType type = response.getHeaders().getContentType();
		Flux<DataBuffer> body = response.getBody().timeout(this.idleTimeout);
		return new Download((type != null) ? type.toString() : MediaType.APPLICATION_OCTET_STREAM_VALUE,
				response.getHeaders().getContentLength(), DataBufferUtils.subscriberInputStream(body, WINDOW));
	}

	private static Mono<Throwable> refuse(ClientResponse answer, String host) {
		HttpStatusCode status = answer.statusCode();
		int code = status.value();
		// 4xx but 408 and 429 say the file is not there (any more) for this URL: asking
		// again will not change that. 5xx, 408 and 429 may.
		boolean lasting = status.is4xxClientError() && code != 408 && code != 429;
		String message = host + " answered HTTP " + code;
		return answer.releaseBody()
			.then(Mono.just(lasting ? CopyFailure.lasting(message) : CopyFailure.transientFailure(message, null)));
	}

	private static CopyFailure failure(Throwable ex, String host) {
		CopyFailure failure = Causes.find(ex, CopyFailure.class);
		if (failure != null) {
			return failure;
		}
		OutboundRefusedException refused = Causes.find(ex, OutboundRefusedException.class);
		if (refused != null) {
			return CopyFailure.lasting("its URL is refused: " + refused.getMessage());
		}
		return CopyFailure.transientFailure(host + " could not be reached: " + ex.getMessage(), ex);
	}

}
