package io.genjobs.gateway.support.fuzz;

import java.util.Locale;
import java.util.Map;

/** An HTTP response as read off the socket; header names in lower case. */
public record RawResponse(int status, Map<String, String> headers, byte[] body) {

	public String header(String name) {
		return this.headers.get(name.toLowerCase(Locale.ROOT));
	}

}
