package io.genjobs.gateway.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Real image bytes made with javax.imageio, and byte-level edits of them. */
final class TestImageBytes {

	private TestImageBytes() {
	}

	static byte[] png(int width, int height) {
		return write(image(width, height), "png");
	}

	static byte[] jpeg(int width, int height) {
		return write(image(width, height), "jpeg");
	}

	static byte[] gif(int width, int height) {
		return write(image(width, height), "gif");
	}

	static byte[] progressiveJpeg(int width, int height) {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
			writer.setOutput(stream);
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
			writer.write(null, new IIOImage(image(width, height), null, null), param);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			writer.dispose();
		}
		return out.toByteArray();
	}

	/** A RIFF/WebP header (lossy, VP8), which ImageIO cannot write. */
	static byte[] webp() {
		byte[] bytes = new byte[64];
		System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 4);
		bytes[4] = 56;
		System.arraycopy("WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), 0, bytes, 8, 8);
		return bytes;
	}

	/** Puts extra bytes (marker segments, fill bytes) right after a JPEG's SOI. */
	static byte[] afterStartOfImage(byte[] jpeg, byte[]... inserts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(jpeg, 0, 2);
		for (byte[] insert : inserts) {
			out.writeBytes(insert);
		}
		out.write(jpeg, 2, jpeg.length - 2);
		return out.toByteArray();
	}

	/** A marker segment with a payload of {@code payloadLength} bytes (at most 65533). */
	static byte[] segment(int marker, int payloadLength) {
		byte[] segment = new byte[4 + payloadLength];
		segment[0] = (byte) 0xFF;
		segment[1] = (byte) marker;
		segment[2] = (byte) ((payloadLength + 2) >> 8);
		segment[3] = (byte) (payloadLength + 2);
		byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(exif, 0, segment, 4, Math.min(exif.length, payloadLength));
		// Bytes that would read as a 32639x32639 frame if a parser took this for SOFn.
		Arrays.fill(segment, 4 + Math.min(exif.length, payloadLength), segment.length, (byte) 0x7F);
		return segment;
	}

	/** APP1 segments of {@code total} bytes or more, as EXIF and XMP blocks would be. */
	static byte[][] appSegments(int total) {
		int count = (total + 65536) / 65537;
		byte[][] segments = new byte[count][];
		for (int i = 0; i < count; i++) {
			segments[i] = segment(0xE1, 65533);
		}
		return segments;
	}

	/** Index of the frame header's length field in a JPEG as ImageIO writes it. */
	static int frameHeader(byte[] jpeg) {
		int position = 2;
		while (position + 4 <= jpeg.length) {
			int marker = jpeg[position + 1] & 0xFF;
			if (marker == 0xC0 || marker == 0xC2) {
				return position + 2;
			}
			position += 2 + (((jpeg[position + 2] & 0xFF) << 8) | (jpeg[position + 3] & 0xFF));
		}
		throw new IllegalArgumentException("no frame header");
	}

	private static BufferedImage image(int width, int height) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
		image.getRaster().setSample(0, 0, 0, 200);
		return image;
	}

	private static byte[] write(BufferedImage image, String format) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			if (!ImageIO.write(image, format, out)) {
				throw new IllegalStateException("no ImageIO writer for " + format);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}
