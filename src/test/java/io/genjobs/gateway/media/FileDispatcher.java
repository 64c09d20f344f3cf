package io.genjobs.gateway.media;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * Serves files by path from a {@link mockwebserver3.MockWebServer}, with a Content-Type
 * that says nothing true about them ({@code application/octet-stream}). Honouring
 * {@code Range} is a choice: a server that honours it answers {@code bytes=a-b} with 206
 * and {@code Content-Range: bytes a-b/size} (or 416 past the end); one that ignores it
 * answers 200 with the whole file.
 */
public final class FileDispatcher extends Dispatcher {

	private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

	private final Map<String, byte[]> files = new ConcurrentHashMap<>();

	private final boolean honoursRange;

	public FileDispatcher(boolean honoursRange) {
		this.honoursRange = honoursRange;
	}

	public FileDispatcher file(String path, byte[] bytes) {
		this.files.put(path, bytes);
		return this;
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) {
		byte[] file = this.files.get(request.getTarget());
		if (file == null) {
			return new MockResponse.Builder().code(404).build();
		}
		String range = request.getHeaders().get("Range");
		Matcher matcher = RANGE.matcher((range != null) ? range : "");
		if (!this.honoursRange || !matcher.matches()) {
			return body(200, file, 0, file.length).build();
		}
		long from = Long.parseLong(matcher.group(1));
		long to = matcher.group(2).isEmpty() ? file.length - 1 : Long.parseLong(matcher.group(2));
		if (from >= file.length) {
			return new MockResponse.Builder().code(416).addHeader("Content-Range", "bytes */" + file.length).build();
		}
		int end = (int) Math.min(file.length - 1, to);
		return body(206, file, (int) from, end + 1)
			.addHeader("Content-Range", "bytes " + from + "-" + end + "/" + file.length)
			.build();
	}

	private static MockResponse.Builder body(int code, byte[] file, int from, int to) {
		return new MockResponse.Builder().code(code)
			.addHeader("Content-Type", "application/octet-stream")
			.body(new Buffer().write(file, from, to - from));
	}

}
