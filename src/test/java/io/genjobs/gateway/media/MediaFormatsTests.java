package io.genjobs.gateway.media;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundSettings;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every media format the gateway accepts, judged by its bytes (files from
 * {@link TestMediaBytes}, served under a name and Content-Type that say nothing true),
 * through {@link HttpMediaProbe} over MockWebServer on loopback (a server that ignores
 * {@code Range} and one that honours it) and through {@code data:} URIs.
 */
class MediaFormatsTests {

	private static final long LIMIT = 10_000_000;

	private MockWebServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new MockWebServer();
		this.server.start(InetAddress.getLoopbackAddress(), 0);
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	/** Name, bytes, kind, the format and the dimensions the bytes say (0: none). */
	static Stream<Arguments> files() {
		return Stream.of(sample("PNG", TestImageBytes.png(321, 322), MediaKind.IMAGE, MediaType.PNG, 321, 322),
				sample("JPEG", TestImageBytes.jpeg(323, 324), MediaKind.IMAGE, MediaType.JPEG, 323, 324),
				sample("WebP VP8X", TestMediaBytes.webpExtended(1920, 1080), MediaKind.IMAGE, MediaType.WEBP, 1920,
						1080),
				sample("WebP VP8L", TestMediaBytes.webpLossless(16383, 2), MediaKind.IMAGE, MediaType.WEBP, 16383, 2),
				sample("MP4", TestMediaBytes.mp4(1280, 720, 4096), MediaKind.VIDEO, MediaType.MP4, 1280, 720),
				sample("MOV", TestMediaBytes.mov(640, 360), MediaKind.VIDEO, MediaType.MOV, 640, 360),
				sample("WebM", TestMediaBytes.webm(3840, 2160), MediaKind.VIDEO, MediaType.WEBM, 3840, 2160),
				sample("M4A", TestMediaBytes.m4a(), MediaKind.AUDIO, MediaType.M4A, 0, 0),
				sample("MP4 box of sound", TestMediaBytes.mp4AudioOnly(), MediaKind.AUDIO, MediaType.M4A, 0, 0),
				sample("MP3 with ID3v2", TestMediaBytes.mp3WithId3(), MediaKind.AUDIO, MediaType.MP3, 0, 0),
				sample("MP3 bare frame", TestMediaBytes.mp3Frame(), MediaKind.AUDIO, MediaType.MP3, 0, 0),
				sample("WAV", TestMediaBytes.wav(), MediaKind.AUDIO, MediaType.WAV, 0, 0),
				sample("FLAC", TestMediaBytes.flac(), MediaKind.AUDIO, MediaType.FLAC, 0, 0),
				sample("Ogg", TestMediaBytes.ogg(), MediaKind.AUDIO, MediaType.OGG, 0, 0));
	}

	private static Arguments sample(String name, byte[] bytes, MediaKind kind, MediaType type, int width, int height) {
		return Arguments.of(name, bytes, kind, type, width, height);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("files")
	void judgesEachFormatByItsBytesFromAServerThatIgnoresRange(String name, byte[] bytes, MediaKind kind,
			MediaType type, int width, int height) {
		this.server.setDispatcher(new FileDispatcher(false).file("/file.txt", bytes));
		MediaInfo info = probe().probe(url("/file.txt"), kind, LIMIT);
		assertThat(info).isEqualTo(new MediaInfo(type, bytes.length, false, width, height));
		assertThat(info.type().kind()).isEqualTo(kind);
		assertThat(info.hasDimensions()).isEqualTo(width > 0);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("files")
	void judgesEachFormatByItsBytesFromAServerThatHonoursRange(String name, byte[] bytes, MediaKind kind,
			MediaType type, int width, int height) throws InterruptedException {
		this.server.setDispatcher(new FileDispatcher(true).file("/file.bin", bytes));
		MediaInfo info = probe().probe(url("/file.bin"), kind, LIMIT);
		assertThat(info).isEqualTo(new MediaInfo(type, bytes.length, false, width, height));
		assertThat(this.server.getRequestCount()).isEqualTo(1);
		assertThat(this.server.takeRequest().getHeaders().get("Range"))
			.isEqualTo("bytes=0-" + (HttpMediaProbe.HEAD_LIMIT - 1));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("files")
	void judgesEachFormatByItsBytesInADataUriWhateverTypeItDeclares(String name, byte[] bytes, MediaKind kind,
			MediaType type, int width, int height) {
		HttpMediaProbe probe = probe();
		assertThat(probe.probe(TestMediaBytes.dataUri(type.mediaType(), bytes), kind, LIMIT))
			.isEqualTo(new MediaInfo(type, bytes.length, false, width, height));
		// The declared type only admits the URI: another known one changes nothing.
		assertThat(probe.probe(TestMediaBytes.dataUri("audio/ogg", bytes), kind, LIMIT))
			.isEqualTo(new MediaInfo(type, bytes.length, false, width, height));
		assertThat(probe.probe(TestMediaBytes.dataUri(type.mediaType(), bytes), kind, bytes.length - 1).sizeExceeded())
			.isTrue();
		assertThat(this.server.getRequestCount()).isZero();
	}

	@Test
	void readsAWebmWhoseSegmentHasAKnownSize() {
		byte[] live = TestMediaBytes.webm(800, 600);
		// The same file as a muxer that knows the length writes it: Segment size in 8
		// bytes rather than "unknown".
		int segment = indexOf(live, new byte[] { 0x18, 0x53, (byte) 0x80, 0x67 }) + 4;
		long size = live.length - segment - 8;
		for (int i = 7; i >= 1; i--) {
			live[segment + i] = (byte) (size >>> (8 * (7 - i)));
		}
		assertThat(MediaHeaders.read(live, live.length, true, MediaKind.VIDEO))
			.contains(MediaHeaders.Header.of(MediaType.WEBM, 800, 600));
	}

	@Test
	void readsAWebpWhoseDimensionsAreTheLargestItsFieldsHold() {
		byte[] webp = TestMediaBytes.webpExtended(1 << 24, 1 << 24);
		assertThat(MediaHeaders.read(webp, webp.length, true, MediaKind.IMAGE))
			.contains(MediaHeaders.Header.of(MediaType.WEBP, 1 << 24, 1 << 24));
	}

	@Test
	void aWebpCutBeforeItsDimensionsIsTruncated() {
		byte[] webp = TestMediaBytes.webpExtended(100, 100);
		assertThatThrownBy(() -> MediaHeaders.read(webp, 29, true, MediaKind.IMAGE))
			.hasMessage("WebP header is truncated: the image ends before its dimensions");
	}

	@Test
	void theCapsPerKindDefaultTo50100And50Megabytes() {
		MediaSettings defaults = new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate("gateway.media",
				MediaSettings.class);
		OutboundGuard guard = new OutboundGuard(new OutboundSettings(List.of(), 3, Duration.ofSeconds(2)));
		HttpMediaProbe probe = new HttpMediaProbe(guard, defaults);
		assertThat(probe.maxBytes(MediaKind.IMAGE)).isEqualTo(50L * 1024 * 1024);
		assertThat(probe.maxBytes(MediaKind.VIDEO)).isEqualTo(100L * 1024 * 1024);
		assertThat(probe.maxBytes(MediaKind.AUDIO)).isEqualTo(50L * 1024 * 1024);
		MediaSettings set = new Binder(new MapConfigurationPropertySource(
				Map.of("gateway.media.max-video-size", "200MB", "gateway.media.max-audio-size", "10MB")))
			.bindOrCreate("gateway.media", MediaSettings.class);
		assertThat(new HttpMediaProbe(guard, set).maxBytes(MediaKind.VIDEO)).isEqualTo(200L * 1024 * 1024);
		assertThat(new HttpMediaProbe(guard, set).maxBytes(MediaKind.AUDIO)).isEqualTo(10L * 1024 * 1024);
	}

	static int indexOf(byte[] bytes, byte[] part) {
		outer: for (int i = 0; i + part.length <= bytes.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (bytes[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		throw new IllegalArgumentException("not found");
	}

	private HttpMediaProbe probe() {
		OutboundGuard guard = new OutboundGuard(
				new OutboundSettings(List.of("127.0.0.1:" + this.server.getPort()), 3, Duration.ofSeconds(2)));
		return new HttpMediaProbe(guard,
				new MediaSettings(Duration.ofSeconds(5), Duration.ofSeconds(60), 100, DataSize.ofMegabytes(16),
						DataSize.ofMegabytes(50), DataSize.ofMegabytes(100), DataSize.ofMegabytes(50)));
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getPort() + path;
	}

}
