package io.genjobs.gateway.media;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundSettings;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An MP4 whose {@code moov} box (and so its dimensions) comes after the media data: its
 * head says where {@code moov} starts, and a second ranged read fetches the tail. A
 * server that honours {@code Range} sends the two pieces; one that ignores it is read up
 * to the size cap and no further.
 */
class MoovAtEndTests {

	private static final int HEAD = HttpMediaProbe.HEAD_LIMIT;

	private static final int TAIL = HttpMediaProbe.TAIL_LIMIT;

	private static final long MB = 1024 * 1024;

	private final List<AutoCloseable> servers = new ArrayList<>();

	private final List<Integer> ports = new ArrayList<>();

	private MockWebServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new MockWebServer();
		this.server.start(InetAddress.getLoopbackAddress(), 0);
		this.servers.add(this.server);
		this.ports.add(this.server.getPort());
	}

	@AfterEach
	void stopServers() throws Exception {
		for (AutoCloseable server : this.servers) {
			server.close();
		}
	}

	@Test
	void readsTheDimensionsWithASecondRangedRequestForTheTail() throws InterruptedException {
		int media = 3 * HEAD;
		byte[] mp4 = TestMediaBytes.mp4MoovAtEnd(1920, 1080, media);
		long moov = TestMediaBytes.moovOffset(media);
		this.server.setDispatcher(new FileDispatcher(true).file("/camera.mp4", mp4));

		MediaInfo info = probe().probe(url("/camera.mp4"), MediaKind.VIDEO, 100 * MB);

		assertThat(info).isEqualTo(new MediaInfo(MediaType.MP4, mp4.length, false, 1920, 1080));
		assertThat(this.server.getRequestCount()).isEqualTo(2);
		RecordedRequest first = this.server.takeRequest();
		RecordedRequest second = this.server.takeRequest();
		assertThat(first.getHeaders().get("Range")).isEqualTo("bytes=0-" + (HEAD - 1));
		assertThat(second.getHeaders().get("Range")).isEqualTo("bytes=" + moov + "-" + (moov + TAIL - 1));
	}

	@Test
	void readsTheTailOfAFileWhoseMdatHasA64BitSize() throws InterruptedException {
		int media = 2 * HEAD;
		byte[] start = TestMediaBytes.mp4StartBeforeMdat(media, true);
		byte[] mp4 = TestMediaBytes.concat(start, new byte[media], TestMediaBytes.moovAtEnd(720, 1280));
		this.server.setDispatcher(new FileDispatcher(true).file("/large.mp4", mp4));

		MediaInfo info = probe().probe(url("/large.mp4"), MediaKind.VIDEO, 100 * MB);

		assertThat(info).isEqualTo(new MediaInfo(MediaType.MP4, mp4.length, false, 720, 1280));
		this.server.takeRequest();
		assertThat(this.server.takeRequest().getHeaders().get("Range"))
			.startsWith("bytes=" + (start.length + media) + "-");
	}

	@Test
	void readsTheTailFromAMockWebServerThatIgnoresRange() {
		int media = 2 * HEAD;
		byte[] mp4 = TestMediaBytes.mp4MoovAtEnd(640, 480, media);
		this.server.setDispatcher(new FileDispatcher(false).file("/plain.mp4", mp4));

		assertThat(probe().probe(url("/plain.mp4"), MediaKind.VIDEO, 100 * MB))
			.isEqualTo(new MediaInfo(MediaType.MP4, mp4.length, false, 640, 480));
		assertThat(this.server.getRequestCount()).isEqualTo(2);
	}

	@Test
	void aServerThatIgnoresRangeIsReadToTheMoovOnceTheHeadIsRead() throws Exception {
		long length = 40 * MB;
		byte[] moov = TestMediaBytes.moovAtEnd(1280, 720);
		RangeIgnoringServer ignoring = serve(new RangeIgnoringServer(
				TestMediaBytes.mp4StartBeforeMdat(length - 32 - moov.length, false), length, moov, true));

		MediaInfo info = probe().probe(url(ignoring, "/camera.mp4"), MediaKind.VIDEO, 100 * MB);

		assertThat(info).isEqualTo(new MediaInfo(MediaType.MP4, length, false, 1280, 720));
		assertThat(ignoring.ranges()).hasSize(2);
		assertThat(ignoring.ranges().get(0)).isEqualTo("bytes=0-" + (HEAD - 1));
		assertThat(ignoring.ranges().get(1)).startsWith("bytes=" + (length - moov.length) + "-");
		// The head: 512 KiB wanted, and the size known from Content-Length, so the
		// connection is dropped long before the 40 MB are sent (the rest is what the
		// sockets' buffers took).
		assertThat(ignoring.written().get(0)).isLessThan(length / 4);
		// The server counts a piece once its write returned, which may be just after the
		// client read it.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(ignoring.written().get(1)).isEqualTo(length));
	}

	@Test
	void aServerThatIgnoresRangeIsNotReadPastTheCapForTheTail() throws Exception {
		long length = 300 * MB;
		long cap = 100 * MB;
		byte[] moov = TestMediaBytes.moovAtEnd(1280, 720);
		RangeIgnoringServer ignoring = serve(new RangeIgnoringServer(
				TestMediaBytes.mp4StartBeforeMdat(length - 32 - moov.length, false), length, moov, true));

		MediaInfo info = probe().probe(url(ignoring, "/huge.mp4"), MediaKind.VIDEO, cap);

		assertThat(info.type()).isEqualTo(MediaType.MP4);
		assertThat(info.sizeBytes()).isEqualTo(length);
		assertThat(info.sizeExceeded()).isTrue();
		assertThat(ignoring.totalWritten()).as("bytes sent").isLessThan(cap / 4);
		assertThat(ignoring.ranges()).as("no tail is read for a file already over the cap").hasSize(1);
	}

	@Test
	void aServerThatIgnoresRangeAndGivesNoLengthIsReadOneBytePastTheCap() throws Exception {
		long length = 300 * MB;
		long cap = 100 * MB;
		byte[] moov = TestMediaBytes.moovAtEnd(1280, 720);
		RangeIgnoringServer ignoring = serve(new RangeIgnoringServer(
				TestMediaBytes.mp4StartBeforeMdat(length - 32 - moov.length, false), length, moov, false));

		MediaInfo info = probe().probe(url(ignoring, "/stream.mp4"), MediaKind.VIDEO, cap);

		assertThat(info).isEqualTo(new MediaInfo(MediaType.MP4, cap + 1, true, 0, 0));
		assertThat(ignoring.ranges()).hasSize(1);
		// Writes the server completed: the one under way when the client hung up is not
		// counted, though the client may have read part of it.
		assertThat(ignoring.totalWritten()).as("bytes sent").isGreaterThan(cap - 64 * 1024).isLessThan(cap + 16 * MB);
	}

	private RangeIgnoringServer serve(RangeIgnoringServer server) {
		this.servers.add(server);
		this.ports.add(server.port());
		return server;
	}

	private HttpMediaProbe probe() {
		List<String> allowed = this.ports.stream().map((port) -> "127.0.0.1:" + port).toList();
		OutboundGuard guard = new OutboundGuard(new OutboundSettings(allowed, 3, Duration.ofSeconds(2)));
		return new HttpMediaProbe(guard,
				new MediaSettings(Duration.ofSeconds(20), Duration.ofSeconds(60), 100, DataSize.ofMegabytes(16),
						DataSize.ofMegabytes(50), DataSize.ofMegabytes(100), DataSize.ofMegabytes(50)));
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getPort() + path;
	}

	private static String url(RangeIgnoringServer server, String path) {
		return "http://127.0.0.1:" + server.port() + path;
	}

}
