package io.genjobs.gateway.upstream.simulator;

import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

/** The simulator's sample input image, drawn once on first use. */
enum SampleImage implements Supplier<byte[]> {

	JPEG;

	private volatile byte[] bytes;

	@Override
	public byte[] get() {
		if (this.bytes == null) {
			this.bytes = draw();
		}
		return this.bytes;
	}

	private static byte[] draw() {
		BufferedImage image = new BufferedImage(1280, 720, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = image.createGraphics();
		graphics
			.setPaint(new GradientPaint(0, 0, new java.awt.Color(0xf4a261), 1280, 720, new java.awt.Color(0x264653)));
		graphics.fillRect(0, 0, 1280, 720);
		graphics.dispose();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, "jpeg", out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}
