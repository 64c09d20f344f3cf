package io.genjobs.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Webhook consumers over real HTTP on 127.0.0.1: one server per test JVM, allow-listed
 * for the gateway's outbound guard ({@link TestOutbound}), with any number of inboxes
 * ({@code /hooks/<id>}), each recording what it received and answering as a test scripts
 * it: a list of statuses (the last repeats), optionally with headers, or not at all (a
 * consumer that hangs).
 */
public final class TestWebhookConsumer {

	private static final Map<String, Inbox> inboxes = new ConcurrentHashMap<>();

	private static volatile HttpServer server;

	private TestWebhookConsumer() {
	}

	/** The server's {@code host:port}, as the outbound allow-list names it. */
	public static String hostPort() {
		return "127.0.0.1:" + server().getAddress().getPort();
	}

	/** A new inbox answering 204 to everything. */
	public static Inbox inbox() {
		Inbox inbox = new Inbox("http://" + hostPort() + "/hooks/" + UUID.randomUUID());
		inboxes.put(URI.create(inbox.url()).getPath(), inbox);
		return inbox;
	}

	/** One request an inbox received. */
	public record Received(Instant at, Map<String, List<String>> headers, byte[] body) {

		public String header(String name) {
			for (Map.Entry<String, List<String>> header : this.headers.entrySet()) {
				if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
					return header.getValue().get(0);
				}
			}
			return null;
		}

		public String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

	/** An answer: a status and headers. */
	public record Answer(int status, Map<String, String> headers) {

		public static Answer of(int status) {
			return new Answer(status, Map.of());
		}

	}

	public static final class Inbox {

		private final String url;

		private final List<Received> received = new CopyOnWriteArrayList<>();

		private volatile List<Answer> script = List.of(Answer.of(204));

		private volatile CountDownLatch hang;

		private Inbox(String url) {
			this.url = url;
		}

		public String url() {
			return this.url;
		}

		/** Answers the n-th request with the n-th status; the last one repeats. */
		public Inbox answering(int... statuses) {
			List<Answer> answers = new ArrayList<>();
			for (int status : statuses) {
				answers.add(Answer.of(status));
			}
			return answering(answers);
		}

		public Inbox answering(List<Answer> answers) {
			this.script = List.copyOf(answers);
			return this;
		}

		/** Receives requests and never answers (for 30 s at most), until released. */
		public Inbox hanging() {
			this.hang = new CountDownLatch(1);
			return this;
		}

		/** Lets hanging requests go (they are answered 503) and stops hanging. */
		public void release() {
			CountDownLatch latch = this.hang;
			this.hang = null;
			if (latch != null) {
				latch.countDown();
			}
		}

		public List<Received> received() {
			return List.copyOf(this.received);
		}

		/** Waits until at least {@code count} requests arrived, and returns them all. */
		public List<Received> await(int count, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.received.size() < count) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError("expected " + count + " requests at " + this.url + " within " + timeout
							+ ", got " + this.received.size());
				}
				sleep(20);
			}
			return received();
		}

		private Answer answerFor(int number) {
			List<Answer> answers = this.script;
			return answers.get(Math.min(number, answers.size()) - 1);
		}

	}

	private static HttpServer server() {
		if (server == null) {
			synchronized (TestWebhookConsumer.class) {
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
			// One virtual thread per request: a hanging inbox holds only its own.
			started.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			started.createContext("/", TestWebhookConsumer::handle);
			started.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> started.stop(0), "stop-test-webhook-consumer"));
			return started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void handle(HttpExchange exchange) throws IOException {
		Inbox inbox = inboxes.get(exchange.getRequestURI().getPath());
		byte[] body;
		try (InputStream in = exchange.getRequestBody()) {
			body = in.readAllBytes();
		}
		if (inbox == null) {
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
			return;
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
		inbox.received.add(new Received(Instant.now(), headers, body));
		CountDownLatch hang = inbox.hang;
		if (hang != null) {
			try {
				hang.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.sendResponseHeaders(503, -1);
			exchange.close();
			return;
		}
		Answer answer = inbox.answerFor(inbox.received.size());
		answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
		exchange.sendResponseHeaders(answer.status(), -1);
		exchange.close();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

}
