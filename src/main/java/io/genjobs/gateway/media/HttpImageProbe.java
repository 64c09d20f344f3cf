package io.genjobs.gateway.media;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Weigher;
import io.genjobs.gateway.common.Causes;
import io.genjobs.gateway.common.Digests;
import io.genjobs.gateway.media.ImageHeaders.Header;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundRefusedException;
import io.genjobs.gateway.net.TransportFailures;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Probes http(s) images through the {@link OutboundGuard} (redirects followed, each hop
 * checked) and {@code data:} URIs in memory. A download stops one byte past the size
 * limit and keeps only the first {@value #HEADER_LIMIT} bytes, where the header is.
 * <p>
 * Answers are cached per URL and size limit for {@code gateway.media.probe-cache-ttl}:
 * concurrent probes of one URL share one download, and repeats within the TTL make none.
 * The cache is keyed by the URL's SHA-256 (a long URL is not kept) and bounded by entries
 * and by bytes ({@code probe-cache-size}, {@code probe-cache-max-bytes}). Definitive
 * failures (4xx, refused URL, not an image, bad header) are cached with the answers;
 * transient ones (time-outs, connection errors, 5xx, 408, 429) are not, so the next probe
 * tries again.
 */
@Component
class HttpImageProbe implements ImageProbe {

	/**
	 * Bytes kept for the header: enough for the EXIF, XMP and ICC profile segments that
	 * cameras and editors put before a JPEG's frame header.
	 */
	static final int HEADER_LIMIT = 512 * 1024;

	/**
	 * Beyond the fetch's own time limit, so a caller never waits forever on a stuck one.
	 */
	private static final Duration WAIT_GRACE = Duration.ofSeconds(2);

	/** The longest http(s) URL accepted (DESIGN, Media inputs). */
	static final int MAX_URL_LENGTH = 2048;

	private final WebClient client;

	private final Duration fetchTimeout;

	private final AsyncCache<ProbeKey, Outcome> answers;

	HttpImageProbe(OutboundGuard guard, MediaSettings settings) {
		// Asking for what we accept steers content-negotiating CDNs away from WebP/AVIF.
		this.client = guard.webClientBuilder(true)
			.defaultHeader(HttpHeaders.ACCEPT, "image/png, image/jpeg, */*;q=0.1")
			.build();
		this.fetchTimeout = settings.fetchTimeout();
		Duration ttl = settings.probeCacheTtl();
		// A transient failure expires as soon as it is known: probes waiting on that
		// download share it, later ones fetch again.
		long maxBytes = (settings.probeCacheSize() > 0) ? settings.probeCacheMaxBytes().toBytes() : 0;
		this.answers = Caffeine.newBuilder()
			.maximumWeight(maxBytes)
			.weigher(weigher(settings.probeCacheSize(), maxBytes))
			.expireAfter(Expiry.creating((ProbeKey key, Outcome outcome) -> outcome.isLasting() ? ttl : Duration.ZERO))
			.buildAsync();
	}

	/**
	 * Caffeine bounds weight only, so both bounds become one: an entry weighs its
	 * estimated bytes, and never less than the byte budget's share of one entry, so the
	 * budget holds at most {@code maxEntries} of them.
	 */
	private static Weigher<ProbeKey, Outcome> weigher(long maxEntries, long maxBytes) {
		int floor = (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(maxBytes, Math.max(1, maxEntries)));
		return (key, outcome) -> Math.max(floor, ProbeKey.BYTES + outcome.estimatedBytes());
	}

	/** How many answers are kept once pending evictions are done; for tests. */
	long cachedAnswers() {
		this.answers.synchronous().cleanUp();
		return this.answers.synchronous().estimatedSize();
	}

	@Override
	public ImageInfo probe(String uri, long maxBytes) throws ImageProbeException {
		Assert.isTrue(maxBytes >= 0, "maxBytes must not be negative");
		if (uri == null || uri.isBlank()) {
			throw new ImageProbeException("image URL is empty");
		}
		if (DataUri.isDataUri(uri)) {
			byte[] bytes = DataUri.decode(uri);
			Header header = ImageHeaders.read(bytes, bytes.length, true).orElseThrow();
			return new ImageInfo(header.format(), bytes.length, bytes.length > maxBytes, header.width(),
					header.height());
		}
		URI url = httpUrl(uri);
		ProbeKey key = ProbeKey.of(uri, maxBytes);
		CompletableFuture<Outcome> answer = this.answers.get(key,
				(ignored, executor) -> fetch(url, maxBytes).toFuture());
		Outcome outcome = await(answer);
		if (!outcome.isLasting()) {
			// Caffeine applies the expiry from a completion callback that may run after
			// this thread wakes up; this thread's next probe must not find the failure.
			this.answers.asMap().remove(key, answer);
		}
		return outcome.imageInfo();
	}

	private static URI httpUrl(String uri) {
		if (uri.length() > MAX_URL_LENGTH) {
			throw new ImageProbeException("image URL is longer than " + MAX_URL_LENGTH + " characters");
		}
		URI url;
		try {
			url = new URI(uri.strip());
		}
		catch (URISyntaxException ex) {
			throw new ImageProbeException("image URL is not a valid URL");
		}
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new ImageProbeException("image URL must be an http(s) URL or a data:image/png|jpeg;base64 URI");
		}
		if (url.getHost() == null) {
			throw new ImageProbeException("image URL has no valid host");
		}
		return url;
	}

	private Mono<Outcome> fetch(URI url, long maxBytes) {
		String host = url.getHost();
		return Mono.defer(() -> {
			BoundedBody body = new BoundedBody(maxBytes);
			return this.client.get()
				.uri(url)
				.exchangeToFlux((response) -> successfulBody(response, host))
				.doOnNext(body::take)
				// Cancelling the body closes the connection: nothing past the limit
				// is read.
				.takeUntil((buffer) -> body.isOverLimit())
				.then(Mono.fromCallable(() -> read(body, maxBytes)));
		}).timeout(this.fetchTimeout).onErrorResume((ex) -> Mono.just(failure(ex, host)));
	}

	private static Flux<DataBuffer> successfulBody(ClientResponse response, String host) {
		if (response.statusCode().is2xxSuccessful()) {
			return response.bodyToFlux(DataBuffer.class);
		}
		return response.releaseBody().thenMany(Flux.error(new UnexpectedStatus(response.statusCode().value(), host)));
	}

	private static Outcome read(BoundedBody body, long maxBytes) {
		boolean whole = !body.isOverLimit() && body.size() == body.prefixLength();
		Optional<Header> header = ImageHeaders.read(body.prefix(), body.prefixLength(), whole);
		if (header.isEmpty()) {
			return Failed.lasting(body.isOverLimit() && body.prefixLength() < HEADER_LIMIT
					? "image is larger than " + maxBytes + " bytes, and its dimensions are not in its first "
							+ body.prefixLength() + " bytes"
					: "image header is larger than " + (HEADER_LIMIT / 1024)
							+ " KiB; its dimensions could not be read");
		}
		Header found = header.get();
		long size = Math.min(body.size(), maxBytes + 1);
		return new Probed(new ImageInfo(found.format(), size, body.isOverLimit(), found.width(), found.height()));
	}

	private Outcome failure(Throwable ex, String host) {
		if (ex instanceof ImageProbeException unreadable) {
			return Failed.lasting(unreadable.getMessage());
		}
		if (ex instanceof UnexpectedStatus status) {
			return status.isTransient() ? Failed.transientFailure(status.getMessage(), ex)
					: Failed.lasting(status.getMessage());
		}
		OutboundRefusedException refused = Causes.find(ex, OutboundRefusedException.class);
		if (refused != null) {
			return Failed.lasting("image URL refused: " + refused.getMessage());
		}
		if (ex instanceof TimeoutException) {
			return Failed.transientFailure("image download timed out after " + describe(this.fetchTimeout), ex);
		}
		return Failed
			.transientFailure("image could not be fetched from " + host + ": " + TransportFailures.describe(ex), ex);
	}

	private Outcome await(CompletableFuture<Outcome> answer) {
		try {
			return answer.get(this.fetchTimeout.plus(WAIT_GRACE).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			// Every failure the fetch foresees is an Outcome; this is one it did not.
			throw new ImageProbeException("image could not be fetched", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new ImageProbeException("image download timed out after " + describe(this.fetchTimeout));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ImageProbeException("image probe was interrupted", ex);
		}
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/** A URL's SHA-256 and the size limit it was probed against. */
	private record ProbeKey(String digest, long maxBytes) {

		/** What a key weighs: the digest's 44 characters, the long and two headers. */
		static final int BYTES = 160;

		static ProbeKey of(String uri, long maxBytes) {
			byte[] digest = Digests.sha256(uri);
			return new ProbeKey(Base64.getEncoder().encodeToString(digest), maxBytes);
		}

	}

	/** What a fetch found out: the image's details, or why there are none. */
	private sealed interface Outcome permits Probed, Failed {

		/** The details, or the failure thrown as an {@link ImageProbeException}. */
		ImageInfo imageInfo();

		/** Whether the same fetch would find the same now, so it may be reused. */
		boolean isLasting();

		/** About how many bytes the outcome holds on the heap. */
		int estimatedBytes();

	}

	private record Probed(ImageInfo info) implements Outcome {

		@Override
		public ImageInfo imageInfo() {
			return this.info;
		}

		@Override
		public boolean isLasting() {
			return true;
		}

		@Override
		public int estimatedBytes() {
			return 96;
		}

	}

	private record Failed(String message, boolean isLasting, Throwable cause) implements Outcome {

		static Failed lasting(String message) {
			return new Failed(message, true, null);
		}

		static Failed transientFailure(String message, Throwable cause) {
			return new Failed(message, false, cause);
		}

		@Override
		public ImageInfo imageInfo() {
			throw new ImageProbeException(this.message, this.cause);
		}

		@Override
		public int estimatedBytes() {
			return 64 + 2 * this.message.length();
		}

	}

	/** A non-2xx answer; 5xx, 408 and 429 may go away by themselves. */
	private static final class UnexpectedStatus extends RuntimeException {

		private final int status;

		UnexpectedStatus(int status, String host) {
			super("image could not be fetched: HTTP " + status + " from " + host, null, false, false);
			this.status = status;
		}

		boolean isTransient() {
			return this.status >= 500 || this.status == 408 || this.status == 429;
		}

	}

	/** Counts every byte of a download but keeps only the first {@link #HEADER_LIMIT}. */
	private static final class BoundedBody {

		private final long maxBytes;

		private byte[] prefix = new byte[16 * 1024];

		private int prefixLength;

		private long size;

		BoundedBody(long maxBytes) {
			this.maxBytes = maxBytes;
		}

		void take(DataBuffer buffer) {
			try {
				int count = buffer.readableByteCount();
				int keep = Math.min(count, HEADER_LIMIT - this.prefixLength);
				if (keep > 0) {
					if (this.prefixLength + keep > this.prefix.length) {
						this.prefix = Arrays.copyOf(this.prefix,
								Math.min(HEADER_LIMIT, Math.max(this.prefix.length * 2, this.prefixLength + keep)));
					}
					buffer.read(this.prefix, this.prefixLength, keep);
					this.prefixLength += keep;
				}
				this.size += count;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}

		boolean isOverLimit() {
			return this.size > this.maxBytes;
		}

		long size() {
			return this.size;
		}

		byte[] prefix() {
			return this.prefix;
		}

		int prefixLength() {
			return this.prefixLength;
		}

	}

}
