package io.genjobs.gateway.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.genjobs.gateway.net.CountingServer;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundSettings;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The probe over real HTTP on loopback, and on data URIs. Every server here listens on a
 * loopback address, and nothing connects anywhere else.
 */
class HttpMediaProbeTests {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final long LIMIT = 4_700_000;

	private final List<AutoCloseable> servers = new ArrayList<>();

	private final List<Integer> allowedPorts = new ArrayList<>();

	private MockWebServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new MockWebServer();
		this.server.start(LOOPBACK, 0);
		this.servers.add(this.server);
		this.allowedPorts.add(this.server.getPort());
	}

	@AfterEach
	void stopServers() throws Exception {
		for (AutoCloseable server : this.servers) {
			server.close();
		}
	}

	@Test
	void judgesAPngByItsBytesWhateverItsNameAndContentType() {
		this.server.enqueue(image(TestImageBytes.png(321, 4096), "image/jpeg"));
		MediaInfo info = probe().probe(url("/photo.jpg"), MediaKind.IMAGE, LIMIT);
		assertThat(info.type()).isEqualTo(MediaType.PNG);
		assertThat(info.width()).isEqualTo(321);
		assertThat(info.height()).isEqualTo(4096);
		assertThat(info.sizeExceeded()).isFalse();
	}

	@Test
	void judgesAJpegByItsBytesWhateverItsContentType() {
		byte[] jpeg = TestImageBytes.jpeg(4097, 320);
		this.server.enqueue(image(jpeg, "text/plain"));
		MediaInfo info = probe().probe(url("/notes.txt"), MediaKind.IMAGE, LIMIT);
		assertThat(info).isEqualTo(new MediaInfo(MediaType.JPEG, jpeg.length, false, 4097, 320));
	}

	@Test
	void readsAProgressiveJpegWithLargeAppSegments() {
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.progressiveJpeg(1024, 768),
				TestImageBytes.appSegments(300 * 1024));
		this.server.enqueue(image(jpeg, "image/jpeg"));
		assertThat(probe().probe(url("/exif.jpg"), MediaKind.IMAGE, LIMIT))
			.isEqualTo(new MediaInfo(MediaType.JPEG, jpeg.length, false, 1024, 768));
	}

	@Test
	void refusesWhatIsNotAJpegOrPng() {
		List<byte[]> bodies = List.of(TestImageBytes.gif(400, 400),
				"<html><body>moved</body></html>".getBytes(StandardCharsets.UTF_8), new byte[0]);
		HttpMediaProbe probe = probe();
		for (int i = 0; i < bodies.size(); i++) {
			this.server.enqueue(image(bodies.get(i), "image/png"));
			String url = url("/not-an-image-" + i + ".png");
			assertThatThrownBy(() -> probe.probe(url, MediaKind.IMAGE, LIMIT))
				.isInstanceOfSatisfying(MediaProbeException.class, (ex) -> assertThat(ex.unrecognised()).isTrue());
		}
	}

	@Test
	void refusesATruncatedHeader() {
		byte[] jpeg = TestImageBytes.jpeg(400, 400);
		this.server.enqueue(image(Arrays.copyOf(jpeg, TestImageBytes.frameHeader(jpeg) + 3), "image/jpeg"));
		this.server.enqueue(image(Arrays.copyOf(TestImageBytes.png(400, 400), 20), "image/png"));
		HttpMediaProbe probe = probe();
		assertThatThrownBy(() -> probe.probe(url("/cut.jpg"), MediaKind.IMAGE, LIMIT))
			.hasMessage("JPEG header is truncated: the image ends before its dimensions");
		assertThatThrownBy(() -> probe.probe(url("/cut.png"), MediaKind.IMAGE, LIMIT))
			.hasMessage("PNG header is truncated: the image ends before its dimensions");
	}

	@Test
	void anImageOfExactlyTheLimitIsWithinIt() {
		byte[] png = TestImageBytes.png(500, 500);
		this.server.enqueue(image(png, "image/png"));
		MediaInfo info = probe().probe(url("/exact.png"), MediaKind.IMAGE, png.length);
		assertThat(info.sizeBytes()).isEqualTo(png.length);
		assertThat(info.sizeExceeded()).isFalse();
	}

	@Test
	void anImageOneByteOverTheLimitExceedsIt() {
		byte[] png = TestImageBytes.png(500, 500);
		this.server.enqueue(image(png, "image/png"));
		MediaInfo info = probe().probe(url("/over.png"), MediaKind.IMAGE, png.length - 1);
		assertThat(info.sizeBytes()).isEqualTo(png.length);
		assertThat(info.sizeExceeded()).isTrue();
		assertThat(info.width()).isEqualTo(500);
	}

	@Test
	void takesTheSizeFromContentLengthAndStopsAfterTheHeadWhenRangeIsIgnored() throws Exception {
		long bodyLength = 50L * 1024 * 1024;
		HugeImageServer huge = new HugeImageServer(TestImageBytes.png(4000, 3000), bodyLength, true);
		this.servers.add(huge);
		this.allowedPorts.add(huge.port());
		MediaInfo info = probe().probe("http://127.0.0.1:" + huge.port() + "/huge.png", MediaKind.IMAGE, 1024 * 1024);
		assertThat(info).isEqualTo(new MediaInfo(MediaType.PNG, bodyLength, true, 4000, 3000));
		assertThat(huge.awaitEnd()).as("the server's writes failed once the probe hung up").isTrue();
		assertThat(huge.written()).as("bytes the server managed to write").isLessThan(bodyLength / 2);
	}

	@Test
	void readsAServerThatIgnoresRangeAndGivesNoLengthOneBytePastTheLimit() throws Exception {
		long bodyLength = 50L * 1024 * 1024;
		HugeImageServer huge = new HugeImageServer(TestImageBytes.png(4000, 3000), bodyLength, false);
		this.servers.add(huge);
		this.allowedPorts.add(huge.port());
		long started = System.nanoTime();
		MediaInfo info = probe().probe("http://127.0.0.1:" + huge.port() + "/huge.png", MediaKind.IMAGE, 1024 * 1024);
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(info).isEqualTo(new MediaInfo(MediaType.PNG, 1024 * 1024 + 1, true, 4000, 3000));
		assertThat(took).isLessThan(Duration.ofSeconds(3));
		assertThat(huge.awaitEnd()).as("the server's writes failed once the probe hung up").isTrue();
		assertThat(huge.written()).as("bytes the server managed to write").isLessThan(bodyLength / 2);
	}

	@Test
	void reportsAClientError() {
		this.server.enqueue(new MockResponse.Builder().code(404).body("no such image").build());
		assertThatThrownBy(() -> probe().probe(url("/missing.png"), MediaKind.IMAGE, LIMIT))
			.isInstanceOf(MediaProbeException.class)
			.hasMessage("image could not be fetched: HTTP 404 from 127.0.0.1");
	}

	@Test
	void reportsAServerError() {
		this.server.enqueue(new MockResponse.Builder().code(500).build());
		assertThatThrownBy(() -> probe().probe(url("/broken.png"), MediaKind.IMAGE, LIMIT))
			.hasMessage("image could not be fetched: HTTP 500 from 127.0.0.1");
	}

	@Test
	void givesUpOnASlowServerWithinTheFetchTimeout() {
		this.server.enqueue(image(TestImageBytes.png(400, 400), "image/png"));
		this.server.enqueue(image(TestImageBytes.png(400, 400), "image/png").newBuilder()
			.headersDelay(2, TimeUnit.SECONDS)
			.build());
		// A cold JVM takes a while to load the HTTP client's classes on the first fetch.
		probe().probe(url("/fast.png"), MediaKind.IMAGE, LIMIT);
		HttpMediaProbe probe = probe(Duration.ofMillis(300), Duration.ofSeconds(60));
		long started = System.nanoTime();
		assertThatThrownBy(() -> probe.probe(url("/slow.png"), MediaKind.IMAGE, LIMIT))
			.hasMessage("image download timed out after 300ms");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void reportsARefusedConnection() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
			closedPort = socket.getLocalPort();
		}
		this.allowedPorts.add(closedPort);
		assertThatThrownBy(() -> probe().probe("http://127.0.0.1:" + closedPort + "/gone.png", MediaKind.IMAGE, LIMIT))
			.hasMessage("image could not be fetched from 127.0.0.1: the connection was refused");
	}

	@Test
	void followsRedirectsToTheImage() {
		this.server.enqueue(redirect("/one"));
		this.server.enqueue(redirect("/two"));
		this.server.enqueue(redirect("/image.png"));
		this.server.enqueue(image(TestImageBytes.png(330, 340), "image/png"));
		assertThat(probe().probe(url("/start"), MediaKind.IMAGE, LIMIT).height()).isEqualTo(340);
		assertThat(this.server.getRequestCount()).isEqualTo(4);
	}

	@Test
	void refusesMoreThanThreeRedirects() {
		for (int i = 0; i < 4; i++) {
			this.server.enqueue(redirect("/hop" + i));
		}
		assertThatThrownBy(() -> probe().probe(url("/start"), MediaKind.IMAGE, LIMIT))
			.hasMessage("image URL refused: 127.0.0.1 redirected more than 3 times");
		assertThat(this.server.getRequestCount()).isEqualTo(4);
	}

	@Test
	void neverConnectsToALoopbackAddressThatIsNotAllowListed() throws IOException {
		CountingServer target = counting();
		assertThatThrownBy(() -> probe().probe("http://127.0.0.1:" + target.port() + "/a.png", MediaKind.IMAGE, LIMIT))
			.isInstanceOf(MediaProbeException.class)
			.hasMessage("image URL refused: address 127.0.0.1 is a loopback address, and 127.0.0.1:" + target.port()
					+ " is not allow-listed");
		assertThatThrownBy(() -> probe().probe("http://localhost:" + target.port() + "/a.png", MediaKind.IMAGE, LIMIT))
			.hasMessageStartingWith("image URL refused: host localhost resolves to 127.0.0.1, a loopback address");
		assertThat(target.connections()).isZero();
	}

	@Test
	void neverFollowsARedirectToALoopbackAddressThatIsNotAllowListed() throws IOException {
		CountingServer target = counting();
		this.server.enqueue(redirect("http://127.0.0.1:" + target.port() + "/internal.png"));
		assertThatThrownBy(() -> probe().probe(url("/start"), MediaKind.IMAGE, LIMIT))
			.hasMessageStartingWith("image URL refused: address 127.0.0.1 is a loopback address");
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(target.connections()).isZero();
	}

	@Test
	void refusesOtherSchemesBeforeAnyNetworkAccess() {
		HttpMediaProbe probe = probe();
		assertThatThrownBy(() -> probe.probe("ftp://example.com/a.png", MediaKind.IMAGE, LIMIT))
			.hasMessage("image URL must be an http(s) URL or a data:<type>;base64, URI");
		assertThatThrownBy(() -> probe.probe("file:///etc/passwd", MediaKind.IMAGE, LIMIT))
			.isInstanceOf(MediaProbeException.class);
		assertThatThrownBy(() -> probe.probe("not a url", MediaKind.IMAGE, LIMIT))
			.isInstanceOf(MediaProbeException.class);
		assertThatThrownBy(() -> probe.probe(" ", MediaKind.IMAGE, LIMIT)).hasMessage("image URL is empty");
	}

	@Test
	void readsPngAndJpegDataUris() {
		HttpMediaProbe probe = probe();
		byte[] png = TestImageBytes.png(321, 322);
		byte[] jpeg = TestImageBytes.jpeg(323, 324);
		assertThat(probe.probe(dataUri("image/png", png), MediaKind.IMAGE, LIMIT))
			.isEqualTo(new MediaInfo(MediaType.PNG, png.length, false, 321, 322));
		assertThat(probe.probe(dataUri("image/jpeg", jpeg), MediaKind.IMAGE, LIMIT))
			.isEqualTo(new MediaInfo(MediaType.JPEG, jpeg.length, false, 323, 324));
		assertThat(probe.probe(dataUri("IMAGE/JPEG", jpeg).replace("data:", "DATA:").replace("base64", "BASE64"),
				MediaKind.IMAGE, LIMIT))
			.isEqualTo(new MediaInfo(MediaType.JPEG, jpeg.length, false, 323, 324));
		assertThat(probe.probe(dataUri("image/png", png), MediaKind.IMAGE, png.length - 1).sizeExceeded()).isTrue();
		assertThat(this.server.getRequestCount()).isZero();
	}

	@Test
	void judgesDataUrisByTheirBytesNotTheirType() {
		HttpMediaProbe probe = probe();
		assertThat(probe.probe(dataUri("image/png", TestImageBytes.jpeg(400, 401)), MediaKind.IMAGE, LIMIT).type())
			.isEqualTo(MediaType.JPEG);
		assertThat(probe.probe(dataUri("image/jpeg", TestImageBytes.png(400, 401)), MediaKind.IMAGE, LIMIT).type())
			.isEqualTo(MediaType.PNG);
		assertThatThrownBy(
				() -> probe.probe(dataUri("image/png", TestImageBytes.gif(400, 401)), MediaKind.IMAGE, LIMIT))
			.isInstanceOfSatisfying(MediaProbeException.class, (ex) -> assertThat(ex.unrecognised()).isTrue());
	}

	@Test
	void refusesOtherDataUris() {
		HttpMediaProbe probe = probe();
		byte[] png = TestImageBytes.png(400, 400);
		assertThatThrownBy(
				() -> probe.probe(dataUri("image/gif", TestImageBytes.gif(400, 400)), MediaKind.IMAGE, LIMIT))
			.hasMessageStartingWith("data URI must be of type image/jpeg, image/png, image/webp, video/mp4")
			.hasMessageEndingWith(", not image/gif");
		assertThatThrownBy(() -> probe.probe("data:image/png;base64,iVBORw0K$$$not base64", MediaKind.IMAGE, LIMIT))
			.hasMessage("data URI is not valid base64");
		assertThatThrownBy(() -> probe.probe("data:image/png,rawbytes", MediaKind.IMAGE, LIMIT))
			.hasMessage("data URI must be base64-encoded (data:image/png;base64,...)");
		assertThatThrownBy(() -> probe.probe("data:image/png;base64", MediaKind.IMAGE, LIMIT))
			.hasMessage("data URI has no ',' before its data");
		assertThatThrownBy(
				() -> probe.probe("data:;base64," + Base64.getEncoder().encodeToString(png), MediaKind.IMAGE, LIMIT))
			.isInstanceOf(MediaProbeException.class);
	}

	@Test
	void concurrentProbesOfOneUrlShareOneDownload() throws Exception {
		byte[] png = TestImageBytes.png(640, 480);
		this.server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return image(png, "image/png").newBuilder().bodyDelay(300, TimeUnit.MILLISECONDS).build();
			}
		});
		HttpMediaProbe probe = probe();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<MediaInfo>> answers = new ArrayList<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 20; i++) {
				answers.add(threads.submit(() -> {
					start.await();
					return probe.probe(url("/shared.png"), MediaKind.IMAGE, LIMIT);
				}));
			}
			start.countDown();
			for (Future<MediaInfo> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS).width()).isEqualTo(640);
			}
		}
		assertThat(this.server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void reusesAnAnswerWithinTheTtlAndFetchesAgainAfterIt() throws InterruptedException {
		byte[] png = TestImageBytes.png(640, 480);
		this.server.enqueue(image(png, "image/png"));
		this.server.enqueue(image(png, "image/png"));
		HttpMediaProbe probe = probe(Duration.ofSeconds(5), Duration.ofMillis(300));
		probe.probe(url("/cached.png"), MediaKind.IMAGE, LIMIT);
		probe.probe(url("/cached.png"), MediaKind.IMAGE, LIMIT);
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		Thread.sleep(500);
		probe.probe(url("/cached.png"), MediaKind.IMAGE, LIMIT);
		assertThat(this.server.getRequestCount()).isEqualTo(2);
	}

	@Test
	void keepsADefinitiveFailure() {
		this.server.enqueue(new MockResponse.Builder().code(404).build());
		HttpMediaProbe probe = probe();
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> probe.probe(url("/missing.png"), MediaKind.IMAGE, LIMIT))
				.hasMessageContaining("HTTP 404");
		}
		assertThat(this.server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void forgetsATransientFailure() {
		this.server.enqueue(new MockResponse.Builder().code(503).build());
		this.server.enqueue(image(TestImageBytes.png(640, 480), "image/png"));
		HttpMediaProbe probe = probe();
		assertThatThrownBy(() -> probe.probe(url("/flaky.png"), MediaKind.IMAGE, LIMIT))
			.hasMessageContaining("HTTP 503");
		assertThat(probe.probe(url("/flaky.png"), MediaKind.IMAGE, LIMIT).width()).isEqualTo(640);
		assertThat(this.server.getRequestCount()).isEqualTo(2);
	}

	@Test
	void cachesPerSizeLimit() {
		byte[] png = TestImageBytes.png(640, 480);
		this.server.enqueue(image(png, "image/png"));
		this.server.enqueue(image(png, "image/png"));
		HttpMediaProbe probe = probe();
		assertThat(probe.probe(url("/limits.png"), MediaKind.IMAGE, LIMIT).sizeExceeded()).isFalse();
		assertThat(probe.probe(url("/limits.png"), MediaKind.IMAGE, png.length - 1).sizeExceeded()).isTrue();
		assertThat(this.server.getRequestCount()).isEqualTo(2);
	}

	@Test
	void refusesUrlsLongerThan2048CharactersWithoutFetching() {
		String prefix = url("/");
		String longest = prefix + "a".repeat(HttpMediaProbe.MAX_URL_LENGTH - prefix.length());
		this.server.enqueue(image(TestImageBytes.png(10, 10), "image/png"));
		assertThat(probe().probe(longest, MediaKind.IMAGE, LIMIT).width()).isEqualTo(10);
		assertThatThrownBy(() -> probe().probe(longest + "a", MediaKind.IMAGE, LIMIT))
			.isInstanceOf(MediaProbeException.class)
			.hasMessage("image URL is longer than 2048 characters");
		assertThat(this.server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void keepsNoMoreAnswersThanTheByteBudgetHolds() {
		byte[] png = TestImageBytes.png(8, 8);
		for (int i = 0; i < 20; i++) {
			this.server.enqueue(image(png, "image/png"));
		}
		// An answer weighs about 256 bytes whatever its URL's length (the key is a
		// digest): 4 KiB hold 16 of them, far below the entry bound of 100.
		HttpMediaProbe probe = probe(Duration.ofSeconds(5), Duration.ofSeconds(60), 100, DataSize.ofKilobytes(4));
		for (int i = 0; i < 20; i++) {
			probe.probe(url("/p" + i + ".png?" + "q".repeat(1500)), MediaKind.IMAGE, LIMIT);
		}
		assertThat(probe.cachedAnswers()).isBetween(1L, 16L);
		assertThat(this.server.getRequestCount()).isEqualTo(20);
	}

	@Test
	void keepsNoMoreAnswersThanTheEntryBound() {
		byte[] png = TestImageBytes.png(8, 8);
		for (int i = 0; i < 30; i++) {
			this.server.enqueue(image(png, "image/png"));
		}
		HttpMediaProbe probe = probe(Duration.ofSeconds(5), Duration.ofSeconds(60), 5, DataSize.ofMegabytes(16));
		for (int i = 0; i < 30; i++) {
			probe.probe(url("/e" + i + ".png"), MediaKind.IMAGE, LIMIT);
		}
		assertThat(probe.cachedAnswers()).isLessThanOrEqualTo(5);
	}

	private HttpMediaProbe probe() {
		return probe(Duration.ofSeconds(5), Duration.ofSeconds(60));
	}

	private HttpMediaProbe probe(Duration fetchTimeout, Duration cacheTtl) {
		return probe(fetchTimeout, cacheTtl, 100, DataSize.ofMegabytes(16));
	}

	private HttpMediaProbe probe(Duration fetchTimeout, Duration cacheTtl, long entries, DataSize bytes) {
		List<String> allowed = this.allowedPorts.stream().map((port) -> "127.0.0.1:" + port).toList();
		OutboundGuard guard = new OutboundGuard(new OutboundSettings(allowed, 3, Duration.ofSeconds(2)));
		return new HttpMediaProbe(guard, new MediaSettings(fetchTimeout, cacheTtl, entries, bytes,
				DataSize.ofMegabytes(50), DataSize.ofMegabytes(100), DataSize.ofMegabytes(50)));
	}

	private CountingServer counting() throws IOException {
		CountingServer target = CountingServer.on(LOOPBACK);
		this.servers.add(target);
		return target;
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getPort() + path;
	}

	private static MockResponse image(byte[] bytes, String contentType) {
		return new MockResponse.Builder().addHeader("Content-Type", contentType)
			.body(new Buffer().write(bytes))
			.build();
	}

	private static MockResponse redirect(String location) {
		return new MockResponse.Builder().code(302).addHeader("Location", location).build();
	}

	private static String dataUri(String mediaType, byte[] bytes) {
		return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
	}

	/**
	 * Answers one request with a body of {@code length} bytes that starts with an image,
	 * and records how much of it it could write before the client hung up.
	 */
	private static final class HugeImageServer implements AutoCloseable {

		private final ServerSocket socket;

		private final AtomicLong written = new AtomicLong();

		private final AtomicBoolean cutOff = new AtomicBoolean();

		private final Thread writer;

		HugeImageServer(byte[] image, long length, boolean withLength) throws IOException {
			this.socket = new ServerSocket(0, 1, LOOPBACK);
			String head = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n"
					+ (withLength ? "Content-Length: " + length + "\r\n" : "Connection: close\r\n") + "\r\n";
			this.writer = Thread.ofVirtual().name("huge-image-server").start(() -> serve(head, image, length));
		}

		int port() {
			return this.socket.getLocalPort();
		}

		long written() {
			return this.written.get();
		}

		/**
		 * Whether the server's writing ended because the client closed the connection.
		 */
		boolean awaitEnd() throws InterruptedException {
			this.writer.join(Duration.ofSeconds(5));
			return this.cutOff.get();
		}

		private void serve(String head, byte[] image, long length) {
			try (Socket connection = this.socket.accept()) {
				readRequestHead(connection.getInputStream());
				OutputStream out = connection.getOutputStream();
				out.write(head.getBytes(StandardCharsets.US_ASCII));
				out.write(image);
				this.written.addAndGet(image.length);
				byte[] chunk = new byte[64 * 1024];
				while (this.written.get() < length) {
					int size = (int) Math.min(chunk.length, length - this.written.get());
					out.write(chunk, 0, size);
					this.written.addAndGet(size);
				}
				out.flush();
			}
			catch (IOException ex) {
				this.cutOff.set(true);
			}
		}

		private static void readRequestHead(InputStream in) throws IOException {
			int matched = 0;
			byte[] end = { '\r', '\n', '\r', '\n' };
			while (matched < end.length) {
				int next = in.read();
				if (next < 0) {
					throw new IOException("request ended early");
				}
				matched = (next == end[matched]) ? matched + 1 : (next == '\r') ? 1 : 0;
			}
		}

		@Override
		public void close() throws Exception {
			this.socket.close();
			this.writer.join(Duration.ofSeconds(5));
		}

	}

}
