package io.genjobs.gateway.media;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Tiny but well-formed media files for tests, built byte by byte, for the formats
 * javax.imageio cannot write. Each method documents the layout it writes; every length
 * field is the real length of what follows, so a player would read these headers as the
 * parsers under test do.
 */
public final class TestMediaBytes {

	private TestMediaBytes() {
	}

	/** A real PNG (javax.imageio), for tests outside this package. */
	public static byte[] png(int width, int height) {
		return TestImageBytes.png(width, height);
	}

	/** A real baseline JPEG (javax.imageio), for tests outside this package. */
	public static byte[] jpeg(int width, int height) {
		return TestImageBytes.jpeg(width, height);
	}

	// ---------------------------------------------------------------- WebP

	/**
	 * An extended WebP: {@code RIFF}, file size - 8 (LE32), {@code WEBP}; chunk
	 * {@code VP8X}, length 10 (LE32): flags (1), reserved (3), canvas width - 1 (LE24),
	 * canvas height - 1 (LE24); then an empty {@code VP8L} chunk.
	 */
	public static byte[] webpExtended(int width, int height) {
		ByteBuffer vp8x = le(10).put((byte) 0).put(new byte[3]);
		putLe24(vp8x, width - 1);
		putLe24(vp8x, height - 1);
		return riff("WEBP", chunk("VP8X", vp8x.array()), chunk("VP8L", losslessBits(width, height)));
	}

	/**
	 * A lossless WebP: {@code RIFF}, size, {@code WEBP}; chunk {@code VP8L}: signature
	 * {@code 2F}, then a LE32 of width - 1 (14 bits), height - 1 (14 bits), alpha (1
	 * bit), version 0 (3 bits), then a few bytes of (here meaningless) image stream.
	 */
	public static byte[] webpLossless(int width, int height) {
		return riff("WEBP", chunk("VP8L", losslessBits(width, height)));
	}

	private static byte[] losslessBits(int width, int height) {
		ByteBuffer data = le(13).put((byte) 0x2F);
		data.putInt((width - 1) | ((height - 1) << 14));
		return data.array();
	}

	// ------------------------------------------------------------ ISO BMFF

	/**
	 * An MP4 with its {@code moov} first, as a "fast start" file: {@code ftyp} (major
	 * brand {@code isom}, minor version 512, compatible {@code isom iso2 avc1 mp41}),
	 * {@code moov} ({@code mvhd}, one video {@code trak}), then {@code mdat} of
	 * {@code mediaBytes} bytes.
	 */
	public static byte[] mp4(int width, int height, int mediaBytes) {
		return concat(ftyp("isom", "isom", "iso2", "avc1", "mp41"), moov(videoTrak(width, height)), mdat(mediaBytes));
	}

	/**
	 * An MP4 as a camera writes it: {@code ftyp}, {@code mdat} of {@code mediaBytes}
	 * bytes, then {@code moov} (an audio {@code trak} first, then the video one).
	 */
	public static byte[] mp4MoovAtEnd(int width, int height, int mediaBytes) {
		return concat(mp4StartBeforeMdat(mediaBytes, false), new byte[mediaBytes], moovAtEnd(width, height));
	}

	/**
	 * The start of an MP4 whose {@code moov} comes last, for a file made up as it is
	 * served: {@code ftyp}, then the header of an {@code mdat} of {@code mediaBytes}
	 * bytes; with {@code largeSize}, the {@code mdat} header has size 1 and its size in a
	 * 64-bit field after the type (as files over 4 GiB need). The {@code mdat} body and
	 * then {@link #moovAtEnd} follow.
	 */
	static byte[] mp4StartBeforeMdat(long mediaBytes, boolean largeSize) {
		byte[] mdat = largeSize ? ByteBuffer.allocate(16).putInt(1).put(ascii("mdat")).putLong(16 + mediaBytes).array()
				: ByteBuffer.allocate(8).putInt((int) (8 + mediaBytes)).put(ascii("mdat")).array();
		return concat(ftyp("isom", "isom", "mp41"), mdat);
	}

	/** The {@code moov} box of {@link #mp4MoovAtEnd}. */
	static byte[] moovAtEnd(int width, int height) {
		return moov(audioTrak(), videoTrak(width, height));
	}

	/** Where the {@code moov} box of {@link #mp4MoovAtEnd} starts. */
	public static long moovOffset(int mediaBytes) {
		return ftyp("isom", "isom", "mp41").length + 8L + mediaBytes;
	}

	/**
	 * A QuickTime movie: {@code ftyp} with major brand {@code "qt  "}, {@code moov} with
	 * a video {@code trak} whose {@code tkhd} is version 1 (64-bit times), {@code mdat}.
	 */
	public static byte[] mov(int width, int height) {
		return concat(ftyp("qt  ", "qt  "), moov(trak(tkhd(1, width, height))), mdat(64));
	}

	/**
	 * An M4A: {@code ftyp} with major brand {@code "M4A "} (compatible {@code M4A mp42
	 * isom}), {@code moov} with one sound {@code trak} (width and height 0, volume 1.0),
	 * {@code mdat}.
	 */
	public static byte[] m4a() {
		return concat(ftyp("M4A ", "M4A ", "mp42", "isom"), moov(audioTrak()), mdat(128));
	}

	/** An {@code isom} file whose one track is sound: audio in an MP4 box. */
	public static byte[] mp4AudioOnly() {
		return concat(ftyp("isom", "isom", "mp41"), moov(audioTrak()), mdat(128));
	}

	/** A box: size (BE32, header included), four-character type, body. */
	static byte[] box(String type, byte[]... body) {
		byte[] content = concat(body);
		return concat(ByteBuffer.allocate(8).putInt(8 + content.length).put(ascii(type)).array(), content);
	}

	static byte[] ftyp(String major, String... compatible) {
		ByteBuffer body = ByteBuffer.allocate(8 + 4 * compatible.length).put(ascii(major)).putInt(0x200);
		for (String brand : compatible) {
			body.put(ascii(brand));
		}
		return box("ftyp", body.array());
	}

	/** {@code moov}: a {@code mvhd} (version 0, 100 bytes of body), then the tracks. */
	static byte[] moov(byte[]... traks) {
		ByteBuffer mvhd = ByteBuffer.allocate(100);
		mvhd.putInt(0).putInt(0).putInt(0).putInt(1000).putInt(5000).putInt(0x00010000).putShort((short) 0x0100);
		return box("moov", box("mvhd", mvhd.array()), concat(traks));
	}

	static byte[] videoTrak(int width, int height) {
		return trak(tkhd(0, width, height), mdia("vide"));
	}

	static byte[] audioTrak() {
		return trak(tkhd(0, 0, 0), mdia("soun"));
	}

	static byte[] trak(byte[]... children) {
		return box("trak", children);
	}

	/**
	 * {@code tkhd}: version (1), flags (3: enabled, in movie); version 0: creation,
	 * modification, track id, reserved, duration (BE32 each); version 1: creation and
	 * modification BE64, track id, reserved BE32, duration BE64; then reserved (8), layer
	 * (2), alternate group (2), volume (2: 1.0 for sound), reserved (2), matrix (36),
	 * width and height (16.16 fixed point, BE32 each).
	 */
	static byte[] tkhd(int version, int width, int height) {
		int times = (version == 1) ? 32 : 20;
		ByteBuffer body = ByteBuffer.allocate(4 + times + 52 + 8);
		body.putInt((version << 24) | 0x3);
		body.position(4 + times + 8 + 4);
		body.putShort((short) ((width == 0) ? 0x0100 : 0)).putShort((short) 0);
		int[] identity = { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 };
		for (int value : identity) {
			body.putInt(value);
		}
		body.putInt(width << 16).putInt(height << 16);
		return box("tkhd", body.array());
	}

	/** {@code mdia/hdlr} with the handler type ({@code vide}, {@code soun}). */
	static byte[] mdia(String handler) {
		ByteBuffer hdlr = ByteBuffer.allocate(25).putInt(0).putInt(0).put(ascii(handler));
		return box("mdia", box("hdlr", hdlr.array()));
	}

	static byte[] mdat(int mediaBytes) {
		return box("mdat", new byte[mediaBytes]);
	}

	// ----------------------------------------------------------------- WebM

	/**
	 * A WebM as a muxer writes it: the EBML header (EBMLVersion 1, EBMLReadVersion 1,
	 * EBMLMaxIDLength 4, EBMLMaxSizeLength 8, DocType, DocTypeVersion 4,
	 * DocTypeReadVersion 2), then a Segment of unknown size (as a live recorder writes
	 * it) holding Info (TimecodeScale 1,000,000), Tracks with an audio TrackEntry (Opus)
	 * and a video TrackEntry (VP9; Video: PixelWidth, PixelHeight), then a Cluster.
	 * Element: id (its length marker kept), size (a variable-length integer), body.
	 */
	public static byte[] webm(int width, int height) {
		return ebmlFile("webm", width, height);
	}

	/** The same layout with another DocType ({@code matroska} for an MKV). */
	public static byte[] ebmlFile(String docType, int width, int height) {
		byte[] header = element(0x1A45DFA3L, uint(0x4286, 1), uint(0x42F7, 1), uint(0x42F2, 4), uint(0x42F3, 8),
				element(0x4282, ascii(docType)), uint(0x4287, 4), uint(0x4285, 2));
		byte[] info = element(0x1549A966L, uint(0x2AD7B1, 1_000_000));
		byte[] audio = element(0xAE, uint(0xD7, 1), uint(0x73C5, 11), uint(0x83, 2), element(0x86, ascii("A_OPUS")));
		byte[] video = element(0xAE, uint(0xD7, 2), uint(0x73C5, 12), uint(0x83, 1), element(0x86, ascii("V_VP9")),
				element(0xE0, uint(0xB0, width), uint(0xBA, height)));
		byte[] tracks = element(0x1654AE6BL, audio, video);
		byte[] cluster = element(0x1F43B675L, uint(0xE7, 0), element(0xA3, new byte[32]));
		byte[] unknownSize = { 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
				(byte) 0xFF };
		return concat(header, id(0x18538067L), unknownSize, info, tracks, cluster);
	}

	static byte[] element(long id, byte[]... body) {
		byte[] content = concat(body);
		return concat(id(id), size(content.length), content);
	}

	/** An unsigned integer element, in as few bytes as hold the value. */
	static byte[] uint(long id, long value) {
		int length = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 7) / 8);
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (value >>> (8 * (length - 1 - i)));
		}
		return element(id, bytes);
	}

	private static byte[] id(long id) {
		int length = (64 - Long.numberOfLeadingZeros(id) + 7) / 8;
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (id >>> (8 * (length - 1 - i)));
		}
		return bytes;
	}

	/**
	 * A size: 1 byte ({@code 1xxxxxxx}) below 127, else 2 bytes ({@code 01xxxxxx ...}).
	 */
	private static byte[] size(int size) {
		if (size < 0x7F) {
			return new byte[] { (byte) (0x80 | size) };
		}
		if (size < 0x3FFF) {
			return new byte[] { (byte) (0x40 | (size >> 8)), (byte) size };
		}
		throw new IllegalArgumentException("element too large for a test: " + size);
	}

	// ---------------------------------------------------------------- audio

	/**
	 * An MP3 that starts with an ID3v2.3 tag: {@code ID3}, version 3.0, flags 0, tag size
	 * (syncsafe: 7 bits a byte), a {@code TIT2} title frame, then {@link #mp3Frame()}.
	 */
	public static byte[] mp3WithId3() {
		byte[] title = concat(ascii("TIT2"), ByteBuffer.allocate(4).putInt(6).array(), new byte[2], new byte[] { 0 },
				ascii("test"), new byte[] { 0 });
		int size = title.length;
		byte[] header = { 'I', 'D', '3', 3, 0, 0, (byte) ((size >> 21) & 0x7F), (byte) ((size >> 14) & 0x7F),
				(byte) ((size >> 7) & 0x7F), (byte) (size & 0x7F) };
		return concat(header, title, mp3Frame());
	}

	/**
	 * One bare MPEG-1 Layer III frame: header {@code FF FB 90 64} (sync, MPEG-1, layer
	 * III, no CRC; 128 kbit/s, 44.1 kHz, no padding; joint stereo), then the rest of its
	 * 417 bytes.
	 */
	public static byte[] mp3Frame() {
		byte[] frame = new byte[417];
		frame[0] = (byte) 0xFF;
		frame[1] = (byte) 0xFB;
		frame[2] = (byte) 0x90;
		frame[3] = (byte) 0x64;
		return frame;
	}

	/**
	 * A WAV: {@code RIFF}, size - 8, {@code WAVE}; chunk {@code fmt } of 16 bytes (PCM 1,
	 * 1 channel, 8,000 Hz, 16,000 bytes/s, block align 2, 16 bits); chunk {@code data} of
	 * 100 samples.
	 */
	public static byte[] wav() {
		ByteBuffer fmt = le(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000);
		fmt.putShort((short) 2).putShort((short) 16);
		return riff("WAVE", chunk("fmt ", fmt.array()), chunk("data", new byte[200]));
	}

	/**
	 * A FLAC: {@code fLaC}; a metadata block header (last-block flag and type 0, length
	 * 34 in BE24), STREAMINFO: min and max block size 4096 (BE16 each), min and max frame
	 * size (BE24 each, 0: unknown), then 44,100 Hz (20 bits), channels - 1 (3 bits), bits
	 * per sample - 1 (5 bits), total samples (36 bits), MD5 (16 bytes).
	 */
	public static byte[] flac() {
		ByteBuffer streamInfo = ByteBuffer.allocate(34).putShort((short) 4096).putShort((short) 4096);
		streamInfo.put(new byte[6]);
		long packed = (44_100L << 44) | (1L << 41) | (15L << 36) | 44_100L;
		streamInfo.putLong(packed);
		return concat(ascii("fLaC"), new byte[] { (byte) 0x80, 0, 0, 34 }, streamInfo.array());
	}

	/**
	 * An Ogg stream's first page: {@code OggS}, stream structure version 0, header type 2
	 * (beginning of stream), granule position (LE64), serial number, page sequence number
	 * (LE32 each), CRC-32 of the page (LE32; polynomial 04C11DB7, computed with the field
	 * zeroed), 1 segment of 19 bytes: an {@code OpusHead} identification header.
	 */
	public static byte[] ogg() {
		ByteBuffer opus = le(19).put(ascii("OpusHead")).put((byte) 1).put((byte) 2).putShort((short) 312);
		opus.putInt(48000).putShort((short) 0).put((byte) 0);
		ByteBuffer page = le(27 + 1 + 19).put(ascii("OggS")).put((byte) 0).put((byte) 2).putLong(0);
		page.putInt(0x1234).putInt(0).putInt(0).put((byte) 1).put((byte) 19).put(opus.array());
		byte[] bytes = page.array();
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(22, oggCrc(bytes));
		return bytes;
	}

	private static int oggCrc(byte[] bytes) {
		int crc = 0;
		for (byte b : bytes) {
			crc ^= (b & 0xFF) << 24;
			for (int i = 0; i < 8; i++) {
				crc = (crc < 0) ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
			}
		}
		return crc;
	}

	// -------------------------------------------------------------- helpers

	/** {@code data:<type>;base64,<bytes>}. */
	public static String dataUri(String mediaType, byte[] bytes) {
		return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
	}

	/** {@code RIFF}, the size of what follows (LE32), the form type, the chunks. */
	static byte[] riff(String form, byte[]... chunks) {
		byte[] body = concat(ascii(form), concat(chunks));
		return concat(ascii("RIFF"), le(4).putInt(body.length).array(), body);
	}

	/** A RIFF chunk: type, length (LE32), data, a pad byte when the length is odd. */
	static byte[] chunk(String type, byte[] data) {
		byte[] pad = new byte[data.length % 2];
		return concat(ascii(type), le(4).putInt(data.length).array(), data, pad);
	}

	public static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static ByteBuffer le(int capacity) {
		return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
	}

	private static void putLe24(ByteBuffer buffer, int value) {
		buffer.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
	}

}
