package io.genjobs.gateway.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Real PNG and JPEG images served over HTTP on 127.0.0.1, one server per test JVM,
 * allow-listed for the gateway's outbound guard in every {@code @IntegrationTest} context
 * ({@link TestOutbound}). {@code /images/{w}x{h}.png} and {@code /images/{w}x{h}.jpg} are
 * generated on first use (any name suffix after a {@code -} is ignored, which gives
 * distinct URLs for cache tests); {@code /missing.png} answers 404.
 */
public final class TestImageServer {

	private static final Pattern IMAGE = Pattern.compile("/images/(\\d+)x(\\d+)(?:-[^.]*)?\\.(png|jpg)");

	private static final Map<String, byte[]> generated = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

	private static volatile HttpServer server;

	private TestImageServer() {
	}

	/** The server's {@code host:port}, as the outbound allow-list names it. */
	public static String hostPort() {
		InetSocketAddress address = server().getAddress();
		return "127.0.0.1:" + address.getPort();
	}

	/** An absolute URL on the image server. */
	public static String url(String path) {
		return "http://" + hostPort() + path;
	}

	/** The URL of a generated PNG of this size. */
	public static String png(int width, int height) {
		return url("/images/" + width + "x" + height + ".png");
	}

	/** How many requests the server has answered for a path. */
	public static int hits(String path) {
		AtomicInteger count = hits.get(path);
		return (count != null) ? count.get() : 0;
	}

	/** A PNG of this size as a {@code data:} URI. */
	public static String pngDataUri(int width, int height) {
		return "data:image/png;base64," + Base64.getEncoder().encodeToString(encode(width, height, "png"));
	}

	/** A real image of this size, encoded as {@code png} or {@code jpg}. */
	public static byte[] encode(int width, int height, String format) {
		return generated.computeIfAbsent(width + "x" + height + "." + format, (key) -> {
			BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
			image.setRGB(0, 0, 0xff8800);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			try {
				ImageIO.write(image, format.equals("jpg") ? "jpeg" : "png", out);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return out.toByteArray();
		});
	}

	private static HttpServer server() {
		if (server == null) {
			synchronized (TestImageServer.class) {
				if (server == null) {
					server = start();
				}
			}
		}
		return server;
	}

	private static HttpServer start() {
		try {
			HttpServer started = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			started.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			started.createContext("/", TestImageServer::handle);
			started.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> started.stop(0), "stop-test-images"));
			return started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		hits.computeIfAbsent(path, (p) -> new AtomicInteger()).incrementAndGet();
		Matcher matcher = IMAGE.matcher(path);
		if (!matcher.matches()) {
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
			return;
		}
		byte[] body = encode(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), matcher.group(3));
		exchange.getResponseHeaders().set("Content-Type", matcher.group(3).equals("png") ? "image/png" : "image/jpeg");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
