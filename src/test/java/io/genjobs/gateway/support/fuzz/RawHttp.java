package io.genjobs.gateway.support.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.genjobs.gateway.support.fuzz.RawRequest.Header;

/**
 * Raw HTTP/1.1 over a loopback socket: any header bytes, any body, any framing, which no
 * HTTP client library would send.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Sends {@code POST /jobs} to the gateway on this loopback port over a connection of
	 * its own, and reads the answer.
	 */
	public static Result exchange(int port, RawRequest request) {
		return exchange(port, "POST", ascii("/jobs"), request);
	}

	/**
	 * Sends the request with this method and request target (the bytes of the request
	 * line between the method and the version, exactly as given) over a connection of its
	 * own, and reads the answer.
	 */
	public static Result exchange(int port, String method, byte[] target, RawRequest request) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			socket.setSoTimeout(30_000);
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			head.writeBytes(ascii(method + " "));
			head.writeBytes(target);
			head.writeBytes(ascii(" HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"));
			for (Header header : request.headers()) {
				head.writeBytes(ascii(header.name() + ": "));
				head.writeBytes(header.value());
				head.writeBytes(ascii("\r\n"));
			}
			byte[] payload = request.body();
			switch (request.framing()) {
				case CONTENT_LENGTH -> head.writeBytes(ascii("Content-Length: " + payload.length + "\r\n"));
				case DECLARED -> head.writeBytes(ascii("Content-Length: " + request.declaredLength() + "\r\n"));
				case CHUNKED -> {
					head.writeBytes(ascii("Transfer-Encoding: chunked\r\n"));
					payload = chunked(payload);
				}
				case NONE -> {
				}
			}
			head.writeBytes(ascii("\r\n"));
			OutputStream out = socket.getOutputStream();
			byte[] toSend = payload;
			// Written beside the read: the gateway may answer (413) and close before
			// reading it all.
			Thread writer = Thread.ofVirtual().start(() -> {
				try {
					out.write(head.toByteArray());
					out.write(toSend);
					out.flush();
				}
				catch (IOException ex) {
					// the answer tells
				}
			});
			try {
				return new Result(readResponse(socket.getInputStream(), method.equals("HEAD")), null);
			}
			finally {
				socket.close();
				writer.join(10_000);
			}
		}
		catch (Exception ex) {
			return new Result(null, ex);
		}
	}

	private static byte[] chunked(byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int offset = 0; offset < body.length; offset += 64 * 1024) {
			int length = Math.min(64 * 1024, body.length - offset);
			out.writeBytes(ascii(Integer.toHexString(length) + "\r\n"));
			out.write(body, offset, length);
			out.writeBytes(ascii("\r\n"));
		}
		out.writeBytes(ascii("0\r\n\r\n"));
		return out.toByteArray();
	}

	/**
	 * Reads one response; stops at its end, or when the gateway closes the connection.
	 */
	private static RawResponse readResponse(InputStream in, boolean head) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[16 * 1024];
		try {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				received.write(buffer, 0, read);
				RawResponse response = complete(received.toByteArray(), head);
				if (response != null) {
					return response;
				}
			}
		}
		catch (IOException ex) {
			// A reset after the answer (the gateway did not read the whole body) is fine.
			if (received.size() == 0) {
				throw ex;
			}
		}
		RawResponse response = complete(received.toByteArray(), head);
		if (response == null) {
			throw new IOException("incomplete response: " + preview(received.toByteArray(), 300));
		}
		return response;
	}

	/**
	 * The response in these bytes, or null when more are needed. The answer to
	 * {@code HEAD}, a 204 and a 304 end with their header.
	 */
	private static RawResponse complete(byte[] raw, boolean head) {
		int headEnd = indexOf(raw, ascii("\r\n\r\n"), 0);
		if (headEnd < 0) {
			return null;
		}
		String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
			}
		}
		int start = headEnd + 4;
		if (head || status == 204 || status == 304) {
			return new RawResponse(status, headers, new byte[0]);
		}
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int position = start;
			while (true) {
				int lineEnd = indexOf(raw, ascii("\r\n"), position);
				if (lineEnd < 0) {
					return null;
				}
				String sizeLine = new String(raw, position, lineEnd - position, StandardCharsets.ISO_8859_1);
				int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
				if (size == 0) {
					return new RawResponse(status, headers, body.toByteArray());
				}
				if (lineEnd + 2 + size + 2 > raw.length) {
					return null;
				}
				body.write(raw, lineEnd + 2, size);
				position = lineEnd + 2 + size + 2;
			}
		}
		String length = headers.get("content-length");
		if (length != null) {
			int size = Integer.parseInt(length);
			return (raw.length - start >= size)
					? new RawResponse(status, headers, Arrays.copyOfRange(raw, start, start + size)) : null;
		}
		// Neither: the body runs to the end of the connection.
		return null;
	}

	private static int indexOf(byte[] bytes, byte[] target, int from) {
		for (int i = from; i + target.length <= bytes.length; i++) {
			if (Arrays.equals(bytes, i, i + target.length, target, 0, target.length)) {
				return i;
			}
		}
		return -1;
	}

	/** Bytes as readable text: printable ASCII as is, the rest escaped. */
	public static String preview(byte[] bytes, int max) {
		String text = new String(bytes, 0, Math.min(bytes.length, max * 4), StandardCharsets.UTF_8);
		StringBuilder preview = new StringBuilder();
		for (int i = 0; i < text.length() && preview.length() < max; i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7f) {
				preview.append(c);
			}
			else {
				preview.append(String.format("\\u%04x", (int) c));
			}
		}
		if (preview.length() >= max || bytes.length > max * 4) {
			preview.append("...");
		}
		return preview.toString();
	}

	/** Text as bytes, one byte a character (ISO-8859-1). */
	public static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	/** The bytes with the first occurrence of {@code target} replaced. */
	public static byte[] replace(byte[] bytes, byte[] target, byte[] replacement) {
		for (int i = 0; i + target.length <= bytes.length; i++) {
			if (Arrays.equals(bytes, i, i + target.length, target, 0, target.length)) {
				byte[] replaced = new byte[bytes.length - target.length + replacement.length];
				System.arraycopy(bytes, 0, replaced, 0, i);
				System.arraycopy(replacement, 0, replaced, i, replacement.length);
				System.arraycopy(bytes, i + target.length, replaced, i + replacement.length,
						bytes.length - i - target.length);
				return replaced;
			}
		}
		return bytes;
	}

	/** The answer, or why there was none. */
	public record Result(RawResponse response, Exception error) {

		public String describe() {
			if (this.response == null) {
				return "none (" + this.error + ")";
			}
			return this.response.status() + " " + this.response.headers() + " " + preview(this.response.body(), 600);
		}

	}

}
