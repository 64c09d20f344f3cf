package io.genjobs.gateway.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import io.genjobs.gateway.media.MediaHeaders.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageHeadersTests {

	@ParameterizedTest(name = "{0}x{1}")
	@CsvSource({ "320, 321", "321, 320", "4096, 2", "4097, 3", "2, 4097", "1, 1" })
	void readsPngDimensions(int width, int height) {
		assertThat(read(TestImageBytes.png(width, height))).isEqualTo(Header.of(MediaType.PNG, width, height));
	}

	@ParameterizedTest(name = "{0}x{1}")
	@CsvSource({ "320, 321", "321, 320", "4096, 2", "4097, 3", "2, 4097", "1, 1" })
	void readsJpegDimensions(int width, int height) {
		assertThat(read(TestImageBytes.jpeg(width, height))).isEqualTo(Header.of(MediaType.JPEG, width, height));
	}

	@Test
	void readsProgressiveJpegDimensions() {
		byte[] jpeg = TestImageBytes.progressiveJpeg(640, 480);
		assertThat(jpeg[TestImageBytes.frameHeader(jpeg) - 1] & 0xFF).as("SOF2 marker").isEqualTo(0xC2);
		assertThat(read(jpeg)).isEqualTo(Header.of(MediaType.JPEG, 640, 480));
	}

	@Test
	void skipsLargeAppSegmentsBeforeTheFrameHeader() {
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.jpeg(800, 600),
				TestImageBytes.appSegments(400 * 1024));
		assertThat(jpeg.length).isGreaterThan(400 * 1024);
		assertThat(read(jpeg)).isEqualTo(Header.of(MediaType.JPEG, 800, 600));
	}

	@Test
	void skipsSegmentsWhoseMarkersAreNotFrameHeaders() {
		// DHT (C4), JPG (C8) and DAC (CC) lie in the SOFn range but are other segments.
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.jpeg(321, 400), TestImageBytes.segment(0xC4, 20),
				TestImageBytes.segment(0xC8, 9), TestImageBytes.segment(0xCC, 9), TestImageBytes.segment(0xFE, 30));
		assertThat(read(jpeg)).isEqualTo(Header.of(MediaType.JPEG, 321, 400));
	}

	@Test
	void skipsFillBytesAndStandaloneMarkers() {
		byte[] fill = { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF };
		byte[] restart = { (byte) 0xFF, (byte) 0xD0, (byte) 0xFF, (byte) 0xD7 };
		byte[] temporary = { (byte) 0xFF, 0x01 };
		byte[] fillBeforeSegment = { (byte) 0xFF, (byte) 0xFF };
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.jpeg(500, 321), fill, restart, temporary,
				fillBeforeSegment);
		assertThat(read(jpeg)).isEqualTo(Header.of(MediaType.JPEG, 500, 321));
	}

	@Test
	void judgesByBytesAlone() {
		assertNotAnImage(TestImageBytes.gif(400, 400));
		assertNotAnImage("<!doctype html><html><body>Not found</body></html>".getBytes(StandardCharsets.UTF_8));
		assertNotAnImage(new byte[0]);
		assertNotAnImage(new byte[] { (byte) 0xFF, (byte) 0xD8 });
		assertNotAnImage(Arrays.copyOf(TestImageBytes.png(10, 10), 7));
	}

	@Test
	void everyCutOfAJpegBeforeItsDimensionsIsTruncated() {
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.jpeg(400, 500),
				TestImageBytes.segment(0xE1, 100));
		int dimensionsEnd = TestImageBytes.frameHeader(jpeg) + 7;
		for (int length = 3; length < dimensionsEnd; length++) {
			int cut = length;
			assertThatThrownBy(() -> MediaHeaders.read(jpeg, cut, true, MediaKind.IMAGE)).as("cut at %d", cut)
				.isInstanceOf(MediaProbeException.class)
				.hasMessage("JPEG header is truncated: the image ends before its dimensions");
			assertThat(MediaHeaders.read(jpeg, cut, false, MediaKind.IMAGE)).as("cut at %d of more", cut).isEmpty();
		}
		assertThat(MediaHeaders.read(jpeg, dimensionsEnd, true, MediaKind.IMAGE)).isPresent();
	}

	@Test
	void everyCutOfAPngBeforeItsDimensionsIsTruncated() {
		byte[] png = TestImageBytes.png(400, 500);
		for (int length = 8; length < 24; length++) {
			int cut = length;
			assertThatThrownBy(() -> MediaHeaders.read(png, cut, true, MediaKind.IMAGE))
				.isInstanceOf(MediaProbeException.class)
				.hasMessage("PNG header is truncated: the image ends before its dimensions");
		}
		assertThat(MediaHeaders.read(png, 24, true, MediaKind.IMAGE)).isPresent();
	}

	@Test
	void refusesAJpegWhoseHeightComesLater() {
		byte[] jpeg = TestImageBytes.jpeg(300, 400);
		int frame = TestImageBytes.frameHeader(jpeg);
		jpeg[frame + 3] = 0;
		jpeg[frame + 4] = 0;
		assertThatThrownBy(() -> read(jpeg)).isInstanceOf(MediaProbeException.class).hasMessageContaining("DNL");
	}

	@Test
	void refusesAJpegWithGarbageWhereAMarkerShouldBe() {
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.jpeg(300, 400), TestImageBytes.segment(0xE0, 10),
				new byte[] { 0x12, 0x34 });
		assertThatThrownBy(() -> read(jpeg)).isInstanceOf(MediaProbeException.class)
			.hasMessage("JPEG header is corrupt: byte 16 should start a marker");
	}

	@Test
	void refusesAJpegWhoseScanComesBeforeItsFrameHeader() {
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.jpeg(300, 400), TestImageBytes.segment(0xDA, 10));
		assertThatThrownBy(() -> read(jpeg)).hasMessageContaining("scan data starts before its frame header");
	}

	@Test
	void refusesAPngWhoseFirstChunkIsNotIhdr() {
		byte[] png = TestImageBytes.png(300, 400);
		png[12] = 'i';
		assertThatThrownBy(() -> read(png)).hasMessage("PNG header is corrupt: the IHDR chunk does not come first");
	}

	@Test
	void refusesAPngWithZeroWidth() {
		byte[] png = TestImageBytes.png(300, 400);
		Arrays.fill(png, 16, 20, (byte) 0);
		assertThatThrownBy(() -> read(png)).hasMessageContaining("its dimensions are 0x400");
	}

	@Test
	void asksForMoreWhenTheHeaderLiesPastTheBytesGiven() {
		byte[] jpeg = TestImageBytes.afterStartOfImage(TestImageBytes.jpeg(800, 600),
				TestImageBytes.appSegments(600 * 1024));
		Optional<Header> header = MediaHeaders.read(jpeg, HttpMediaProbe.HEAD_LIMIT, false, MediaKind.IMAGE);
		assertThat(header).isEmpty();
	}

	private static Header read(byte[] bytes) {
		return MediaHeaders.read(bytes, bytes.length, true, MediaKind.IMAGE).orElseThrow();
	}

	private static void assertNotAnImage(byte[] bytes) {
		assertThatThrownBy(() -> read(bytes)).isInstanceOfSatisfying(MediaProbeException.class,
				(ex) -> assertThat(ex.unrecognised()).isTrue());
	}

}
