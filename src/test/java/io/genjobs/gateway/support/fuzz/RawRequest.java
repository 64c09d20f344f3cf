package io.genjobs.gateway.support.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@code POST /jobs} request to send as raw HTTP/1.1, with any header bytes, any body
 * and any framing. {@code notHttp}: its header is not valid HTTP (a control character in
 * a value, or over the server's header size limit), so the HTTP server (Reactor Netty)
 * refuses it itself with a bare 400 or 431, before the gateway sees it.
 *
 * @param generator the generator that made it, for the run's summary
 * @param expected the status it must get, or {@code null} when any answer will do
 * @param mustBeRejected whether any success is wrong
 */
public record RawRequest(String generator, List<Header> headers, byte[] body, Framing framing, long declaredLength,
		Integer expected, boolean mustBeRejected, boolean notHttp) {

	/** The request in one line, the key redacted. */
	public String describe() {
		StringBuilder text = new StringBuilder(this.generator).append(" | ");
		for (Header header : this.headers) {
			String value = header.name().equals("Authorization") ? "<redacted>" : RawHttp.preview(header.value(), 80);
			text.append(header.name()).append(": ").append(value).append(" | ");
		}
		text.append(this.framing).append(' ');
		if (this.framing == Framing.DECLARED) {
			text.append(this.declaredLength).append(' ');
		}
		return text.append("body (")
			.append(this.body.length)
			.append(" bytes): ")
			.append(RawHttp.preview(this.body, 300))
			.toString();
	}

	/** How the body is framed. */
	public enum Framing {

		/** {@code Content-Length} of the body as sent. */
		CONTENT_LENGTH,
		/** {@code Transfer-Encoding: chunked}. */
		CHUNKED,
		/** A {@code Content-Length} larger than the bytes sent. */
		DECLARED,
		/** Neither header (and no body). */
		NONE

	}

	/** A header sent as these bytes, whatever they are. */
	public record Header(String name, byte[] value) {

		public static Header of(String name, String value) {
			return new Header(name, value.getBytes(StandardCharsets.UTF_8));
		}

	}

}
