package io.genjobs.gateway.media;

import java.net.URI;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Reads one piece of a remote file ({@code Range: bytes=from-to}) and learns the file's
 * size on the way. A server that honours the range answers 206 with
 * {@code Content-Range: bytes from-to/size}: only the piece is read. A server that
 * ignores it answers 200 with the whole file: the bytes before the piece are counted and
 * dropped, and reading stops once the piece is read and {@code Content-Length} gave the
 * size, or one byte past the size limit, whichever comes first; it never reads further.
 */
final class RangedReader {

	private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

	private final WebClient client;

	RangedReader(WebClient client) {
		this.client = client;
	}

	/**
	 * A piece of a file.
	 *
	 * @param bytes the piece (only the first {@code length} hold data)
	 * @param length how many bytes of the piece were read
	 * @param size the file's size in bytes; when {@code sizeExceeded}, a lower bound
	 * @param sizeExceeded whether the file is larger than the size limit
	 * @param toEnd whether the piece runs to the end of the file
	 */
	record Piece(byte[] bytes, int length, long size, boolean sizeExceeded, boolean toEnd) {
	}

	/**
	 * Reads {@code length} bytes from {@code from} of the file at {@code url}.
	 * @param accept the request's {@code Accept} header
	 * @param maxBytes the size limit: a server that ignores the range is read no further
	 * than one byte past it
	 * @param noun "image", "video" or "audio", for messages
	 */
	Mono<Piece> read(URI url, long from, int length, long maxBytes, String accept, String noun) {
		return Mono.defer(() -> this.client.get()
			.uri(url)
			.header(HttpHeaders.RANGE, "bytes=" + from + "-" + (from + length - 1))
			.header(HttpHeaders.ACCEPT, accept)
			.exchangeToMono((response) -> piece(response, from, length, maxBytes, noun, url.getHost())));
	}

	private static Mono<Piece> piece(ClientResponse response, long from, int length, long maxBytes, String noun,
			String host) {
		int status = response.statusCode().value();
		if (status == HttpStatus.PARTIAL_CONTENT.value()) {
			String header = response.headers().asHttpHeaders().getFirst(HttpHeaders.CONTENT_RANGE);
			Matcher range = CONTENT_RANGE.matcher((header != null) ? header.strip() : "");
			if (!range.matches() || range.group(1) == null || Long.parseLong(range.group(1)) != from) {
				return response.releaseBody()
					.then(Mono.error(new MediaProbeException(noun + " could not be read: " + host
							+ " answered a range of bytes it was not asked for (Content-Range: " + header + ")")));
			}
			long size = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
			Collector collector = new Collector(0, length, Long.MAX_VALUE);
			return collect(response.bodyToFlux(DataBuffer.class), collector).map((ended) -> {
				long known = (size >= 0) ? size : (ended && collector.kept < length) ? from + collector.kept : -1;
				if (known < 0) {
					throw new MediaProbeException(
							noun + " could not be read: " + host + " did not say how large the file is");
				}
				return new Piece(collector.piece, collector.kept, known, known > maxBytes,
						from + collector.kept >= known);
			});
		}
		if (status == HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE.value() && from > 0) {
			// The piece starts past the end: the file ends before it.
			return response.releaseBody().thenReturn(new Piece(new byte[0], 0, from, from > maxBytes, true));
		}
		if (response.statusCode().is2xxSuccessful()) {
			long contentLength = response.headers().contentLength().orElse(-1);
			Collector collector = new Collector(from, length, maxBytes);
			collector.knownSize = contentLength >= 0;
			return collect(response.bodyToFlux(DataBuffer.class), collector).map((ended) -> {
				boolean capped = collector.seen > maxBytes;
				long size = (contentLength >= 0) ? contentLength : capped ? maxBytes + 1 : collector.seen;
				return new Piece(collector.piece, collector.kept, size, capped || size > maxBytes,
						!capped && from + collector.kept >= size);
			});
		}
		return response.releaseBody().then(Mono.error(new UnexpectedStatus(status, noun, host)));
	}

	/**
	 * Feeds the body to the collector until it has what it needs; cancelling the body
	 * closes the connection, so nothing more is read. Emits whether the body ended by
	 * itself (rather than being cut off once the collector had what it needs).
	 */
	private static Mono<Boolean> collect(Flux<DataBuffer> body, Collector collector) {
		return body.doOnNext(collector::take)
			.takeUntil((buffer) -> collector.done())
			.then(Mono.fromCallable(() -> !collector.done()));
	}

	/** Keeps the bytes of a piece from a body, counting all of them. */
	private static final class Collector {

		private final long from;

		private final int length;

		private final long maxBytes;

		private byte[] piece = new byte[16 * 1024];

		private int kept;

		private long seen;

		private boolean knownSize;

		Collector(long from, int length, long maxBytes) {
			this.from = from;
			this.length = length;
			this.maxBytes = maxBytes;
		}

		void take(DataBuffer buffer) {
			try {
				int count = buffer.readableByteCount();
				long skip = Math.max(0, this.from - this.seen);
				if (skip < count && this.kept < this.length) {
					buffer.readPosition(buffer.readPosition() + (int) skip);
					int keep = (int) Math.min(count - skip, this.length - this.kept);
					if (this.kept + keep > this.piece.length) {
						this.piece = Arrays.copyOf(this.piece,
								Math.min(this.length, Math.max(this.piece.length * 2, this.kept + keep)));
					}
					buffer.read(this.piece, this.kept, keep);
					this.kept += keep;
				}
				this.seen += count;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}

		/**
		 * Past the size limit, or the piece read and nothing more to learn (the size is
		 * known, or there is no limit to check).
		 */
		boolean done() {
			boolean pieceRead = this.kept >= this.length;
			return this.seen > this.maxBytes || (pieceRead && (this.knownSize || this.maxBytes == Long.MAX_VALUE));
		}

	}

	/** A non-2xx answer; 5xx, 408 and 429 may go away by themselves. */
	static final class UnexpectedStatus extends RuntimeException {

		private final int status;

		UnexpectedStatus(int status, String noun, String host) {
			super(noun + " could not be fetched: HTTP " + status + " from " + host, null, false, false);
			this.status = status;
		}

		boolean isTransient() {
			return this.status >= 500 || this.status == 408 || this.status == 429;
		}

	}

}
