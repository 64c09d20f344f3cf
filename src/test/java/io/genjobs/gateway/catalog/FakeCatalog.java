package io.genjobs.gateway.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * RunComfy's catalog endpoints on 127.0.0.1, scripted by the test: the entries it lists,
 * paged as RunComfy pages them, and whether it answers, fails (500) or hangs (holds the
 * answer until released, longer than the gateway's response timeout).
 */
final class FakeCatalog extends Dispatcher implements AutoCloseable {

	enum Mode {

		ANSWER, FAIL, HANG

	}

	private static final JsonMapper json = JsonMapper.builder().build();

	private final MockWebServer server = new MockWebServer();

	private final Map<String, ObjectNode> entries = new ConcurrentHashMap<>();

	private final AtomicInteger listCalls = new AtomicInteger();

	private volatile Mode mode = Mode.ANSWER;

	private volatile CountDownLatch release = new CountDownLatch(1);

	private FakeCatalog() {
		this.server.setDispatcher(this);
	}

	static FakeCatalog start() {
		FakeCatalog fake = new FakeCatalog();
		try {
			fake.server.start(InetAddress.getLoopbackAddress(), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return fake;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getPort();
	}

	void mode(Mode mode) {
		if (this.mode == Mode.HANG && mode != Mode.HANG) {
			this.release.countDown();
			this.release = new CountDownLatch(1);
		}
		this.mode = mode;
	}

	void put(JsonNode entry) {
		this.entries.put(entry.get("model_id").stringValue(), (ObjectNode) entry.deepCopy());
	}

	void remove(String id) {
		this.entries.remove(id);
	}

	int listCalls() {
		return this.listCalls.get();
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
		String path = request.getUrl().encodedPath();
		if (path.equals("/v1/models")) {
			this.listCalls.incrementAndGet();
		}
		if (this.mode == Mode.HANG) {
			this.release.await(30, TimeUnit.SECONDS);
		}
		if (this.mode == Mode.FAIL) {
			return answer(500, "{\"error_code\": 500000, \"message\": \"catalog is down\"}");
		}
		if (!"Bearer catalog-token".equals(request.getHeaders().get("Authorization"))) {
			return answer(401, "{\"error_code\": 400004, \"message\": \"bad token\"}");
		}
		if (path.equals("/v1/models")) {
			int limit = Integer.parseInt(request.getUrl().queryParameter("limit"));
			int offset = Integer.parseInt(request.getUrl().queryParameter("offset"));
			List<ObjectNode> all = List.copyOf(new TreeMap<>(this.entries).values());
			ObjectNode page = json.createObjectNode();
			var models = page.putArray("models");
			all.stream().skip(offset).limit(limit).forEach(models::add);
			page.put("total", all.size());
			return answer(200, json.writeValueAsString(page));
		}
		if (path.startsWith("/v1/models/")) {
			ObjectNode entry = this.entries.get(path.substring("/v1/models/".length()));
			return (entry != null) ? answer(200, json.writeValueAsString(entry))
					: answer(404, "{\"error_code\": 400001, \"message\": \"unknown model\"}");
		}
		return answer(404, "{\"error_code\": 404000, \"message\": \"no such endpoint\"}");
	}

	private static MockResponse answer(int status, String body) {
		return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json").body(body).build();
	}

	@Override
	public void close() {
		this.release.countDown();
		this.server.close();
	}

}
