package io.genjobs.gateway.media;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
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
import io.genjobs.gateway.media.MediaHeaders.Header;
import io.genjobs.gateway.media.RangedReader.Piece;
import io.genjobs.gateway.media.RangedReader.UnexpectedStatus;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundRefusedException;
import io.genjobs.gateway.net.TransportFailures;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Probes http(s) media files through the {@link OutboundGuard} (redirects followed, each
 * hop checked) and {@code data:} URIs in memory. A download asks for the head of the file
 * ({@value #HEAD_LIMIT} bytes, with {@code Range}); an MP4 or MOV whose {@code moov} box
 * lies past the head gets a second ranged read of {@value #TAIL_LIMIT} bytes from where
 * that box starts, unless the file is already known to be over the size limit. The size
 * comes from {@code Content-Range} or {@code Content-Length}, or from counting the bytes
 * of a server that ignores {@code Range}, which is read one byte past the size limit at
 * most ({@link RangedReader}).
 * <p>
 * Answers are cached per URL, kind and size limit for
 * {@code gateway.media.probe-cache-ttl}: concurrent probes of one URL share one download,
 * and repeats within the TTL make none. The cache is keyed by the URL's SHA-256 (a long
 * URL is not kept) and bounded by entries and by bytes ({@code probe-cache-size},
 * {@code probe-cache-max-bytes}). Definitive failures (4xx, refused URL, unrecognised
 * format, bad header) are cached with the answers; transient ones (time-outs, connection
 * errors, 5xx, 408, 429) are not, so the next probe tries again.
 */
@Component
class HttpMediaProbe implements MediaProbe {

	/**
	 * Bytes read from the start of a file: enough for the EXIF, XMP and ICC profile
	 * segments that cameras and editors put before a JPEG's frame header, for a WebM's
	 * Tracks and for an MP4 whose {@code moov} comes first.
	 */
	static final int HEAD_LIMIT = 512 * 1024;

	/** Bytes read from a {@code moov} box at the end of an MP4: its first tracks. */
	static final int TAIL_LIMIT = 1024 * 1024;

	/**
	 * Beyond the fetch's own time limit, so a caller never waits forever on a stuck one.
	 */
	private static final Duration WAIT_GRACE = Duration.ofSeconds(2);

	/** The longest http(s) URL accepted (DESIGN, Media inputs). */
	static final int MAX_URL_LENGTH = 2048;

	private final RangedReader reader;

	private final Duration fetchTimeout;

	private final MediaSettings settings;

	private final AsyncCache<ProbeKey, Outcome> answers;

	HttpMediaProbe(OutboundGuard guard, MediaSettings settings) {
		this.reader = new RangedReader(guard.webClientBuilder(true).build());
		this.settings = settings;
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
	public long maxBytes(MediaKind kind) {
		return switch (kind) {
			case IMAGE -> this.settings.maxImageSize().toBytes();
			case VIDEO -> this.settings.maxVideoSize().toBytes();
			case AUDIO -> this.settings.maxAudioSize().toBytes();
		};
	}

	@Override
	public MediaInfo probe(String uri, MediaKind expected, long maxBytes) throws MediaProbeException {
		Assert.isTrue(maxBytes >= 0, "maxBytes must not be negative");
		String noun = expected.noun();
		if (uri == null || uri.isBlank()) {
			throw new MediaProbeException(noun + " URL is empty");
		}
		if (DataUri.isDataUri(uri)) {
			byte[] bytes = DataUri.decode(uri);
			Header header = MediaHeaders.read(bytes, bytes.length, true, expected).orElseThrow();
			return new MediaInfo(header.type(), bytes.length, bytes.length > maxBytes, header.width(), header.height());
		}
		URI url = httpUrl(uri, noun);
		ProbeKey key = ProbeKey.of(uri, expected, maxBytes);
		CompletableFuture<Outcome> answer = this.answers.get(key,
				(ignored, executor) -> fetch(url, expected, maxBytes).toFuture());
		Outcome outcome = await(answer, noun);
		if (!outcome.isLasting()) {
			// Caffeine applies the expiry from a completion callback that may run after
			// this thread wakes up; this thread's next probe must not find the failure.
			this.answers.asMap().remove(key, answer);
		}
		return outcome.mediaInfo();
	}

	private static URI httpUrl(String uri, String noun) {
		if (uri.length() > MAX_URL_LENGTH) {
			throw new MediaProbeException(noun + " URL is longer than " + MAX_URL_LENGTH + " characters");
		}
		URI url;
		try {
			url = new URI(uri.strip());
		}
		catch (URISyntaxException ex) {
			throw new MediaProbeException(noun + " URL is not a valid URL");
		}
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new MediaProbeException(noun + " URL must be an http(s) URL or a data:<type>;base64, URI");
		}
		if (url.getHost() == null) {
			throw new MediaProbeException(noun + " URL has no valid host");
		}
		return url;
	}

	private Mono<Outcome> fetch(URI url, MediaKind expected, long maxBytes) {
		String noun = expected.noun();
		String accept = accept(expected);
		return this.reader.read(url, 0, HEAD_LIMIT, maxBytes, accept, noun).flatMap((head) -> {
			Optional<Header> header = MediaHeaders.read(head.bytes(), head.length(), head.toEnd(), expected);
			if (header.isEmpty()) {
				return Mono.just(headerTooFar(head, noun, maxBytes));
			}
			Header found = header.get();
			// A file already over the cap fails whatever its tail says: a server that
			// ignores Range would be read up to the cap once more for nothing.
			if (found.tailOffset() < 0 || found.tailOffset() >= head.size() || head.sizeExceeded()) {
				return Mono.just(probed(found, head));
			}
			return this.reader.read(url, found.tailOffset(), TAIL_LIMIT, maxBytes, accept, noun)
				.map((tail) -> probed(
						IsoBmffHeaders.readTail(tail.bytes(), tail.length(), tail.toEnd(), found, found.tailOffset()),
						head));
		}).timeout(this.fetchTimeout).onErrorResume((ex) -> Mono.just(failure(ex, url.getHost(), noun)));
	}

	/**
	 * Asking for what we accept steers content-negotiating CDNs away from AVIF and the
	 * like.
	 */
	private static String accept(MediaKind kind) {
		return switch (kind) {
			case IMAGE -> "image/png, image/jpeg, */*;q=0.1";
			case VIDEO -> "video/mp4, video/webm, video/quicktime, */*;q=0.1";
			case AUDIO -> "audio/*, */*;q=0.1";
		};
	}

	private static Outcome probed(Header header, Piece head) {
		return new Probed(
				new MediaInfo(header.type(), head.size(), head.sizeExceeded(), header.width(), header.height()));
	}

	private static Outcome headerTooFar(Piece head, String noun, long maxBytes) {
		return Failed.lasting(head.sizeExceeded() && head.length() < HEAD_LIMIT
				? noun + " is larger than " + maxBytes + " bytes, and its dimensions are not in its first "
						+ head.length() + " bytes"
				: noun + " header is larger than " + (HEAD_LIMIT / 1024) + " KiB; its dimensions could not be read");
	}

	private Outcome failure(Throwable ex, String host, String noun) {
		if (ex instanceof MediaProbeException unreadable) {
			return Failed.lasting(unreadable);
		}
		if (ex instanceof UnexpectedStatus status) {
			return status.isTransient() ? Failed.transientFailure(status.getMessage(), ex)
					: Failed.lasting(status.getMessage());
		}
		OutboundRefusedException refused = Causes.find(ex, OutboundRefusedException.class);
		if (refused != null) {
			return Failed.lasting(noun + " URL refused: " + refused.getMessage());
		}
		if (ex instanceof TimeoutException) {
			return Failed.transientFailure(noun + " download timed out after " + describe(this.fetchTimeout), ex);
		}
		return Failed
			.transientFailure(noun + " could not be fetched from " + host + ": " + TransportFailures.describe(ex), ex);
	}

	private Outcome await(CompletableFuture<Outcome> answer, String noun) {
		try {
			return answer.get(this.fetchTimeout.plus(WAIT_GRACE).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			// Every failure the fetch foresees is an Outcome; this is one it did not.
			throw new MediaProbeException(noun + " could not be fetched", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new MediaProbeException(noun + " download timed out after " + describe(this.fetchTimeout));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MediaProbeException(noun + " probe was interrupted", ex);
		}
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/** A URL's SHA-256, and the kind and size limit it was probed for. */
	private record ProbeKey(String digest, MediaKind kind, long maxBytes) {

		/** What a key weighs: the digest's 44 characters, the long and two headers. */
		static final int BYTES = 160;

		static ProbeKey of(String uri, MediaKind kind, long maxBytes) {
			byte[] digest = Digests.sha256(uri);
			return new ProbeKey(Base64.getEncoder().encodeToString(digest), kind, maxBytes);
		}

	}

	/** What a fetch found out: the image's details, or why there are none. */
	private sealed interface Outcome permits Probed, Failed {

		/** The details, or the failure thrown as a {@link MediaProbeException}. */
		MediaInfo mediaInfo();

		/** Whether the same fetch would find the same now, so it may be reused. */
		boolean isLasting();

		/** About how many bytes the outcome holds on the heap. */
		int estimatedBytes();

	}

	private record Probed(MediaInfo info) implements Outcome {

		@Override
		public MediaInfo mediaInfo() {
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

	private record Failed(String message, boolean isLasting, boolean unrecognised, Throwable cause) implements Outcome {

		static Failed lasting(String message) {
			return new Failed(message, true, false, null);
		}

		static Failed lasting(MediaProbeException ex) {
			return new Failed(ex.getMessage(), true, ex.unrecognised(), null);
		}

		static Failed transientFailure(String message, Throwable cause) {
			return new Failed(message, false, false, cause);
		}

		@Override
		public MediaInfo mediaInfo() {
			throw new MediaProbeException(this.message, this.cause, this.unrecognised);
		}

		@Override
		public int estimatedBytes() {
			return 64 + 2 * this.message.length();
		}

	}

}
