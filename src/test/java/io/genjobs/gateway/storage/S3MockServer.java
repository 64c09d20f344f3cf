package io.genjobs.gateway.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Adobe S3Mock ({@code com.adobe.testing:s3mock}, its executable jar copied to
 * {@code target/s3mock} by the build) as a process of its own, once per test JVM, on a
 * free port of 127.0.0.1 over HTTP: the S3 store's tests talk to a real S3 API, never to
 * a mock of the SDK. The bucket {@value #BUCKET} exists from the start. The SDK's default
 * credential chain finds the (any) credentials S3Mock accepts in system properties.
 */
final class S3MockServer {

	static final String BUCKET = "gateway-outputs";

	private static final Path JAR = Path.of("target/s3mock/s3mock.jar");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static volatile S3MockServer instance;

	private final Process process;

	private final int port;

	private S3MockServer(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/** The running server, started on first use and stopped when the JVM exits. */
	static synchronized S3MockServer get() {
		if (instance == null) {
			instance = start();
		}
		return instance;
	}

	String endpoint() {
		return "http://127.0.0.1:" + this.port;
	}

	String hostPort() {
		return "127.0.0.1:" + this.port;
	}

	private static S3MockServer start() {
		if (!Files.isRegularFile(JAR)) {
			throw new IllegalStateException(JAR + " is missing: the build's generate-test-resources phase copies it");
		}
		System.setProperty("aws.accessKeyId", "s3mock-test");
		System.setProperty("aws.secretAccessKey", "s3mock-test-secret");
		int http = freePort();
		int https = freePort();
		try {
			Path root = Files.createTempDirectory("s3mock");
			Path log = Files.createTempFile("s3mock", ".log");
			String java = ProcessHandle.current().info().command().orElse("java");
			Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(),
					"--server.address=127.0.0.1", "--server.port=" + https,
					"--com.adobe.testing.s3mock.httpPort=" + http,
					"--com.adobe.testing.s3mock.store.initialBuckets=" + BUCKET,
					"--com.adobe.testing.s3mock.store.root=" + root, "--spring.main.banner-mode=off")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
			S3MockServer server = new S3MockServer(process, http);
			server.awaitStarted(log.toFile());
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void awaitStarted(File log) throws IOException {
		HttpClient client = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("S3Mock stopped: " + Files.readString(log.toPath()));
			}
			try {
				HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + BUCKET))
					.method("HEAD", HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.discarding());
				if (answer.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			sleep();
		}
		this.process.destroy();
		throw new IllegalStateException(
				"S3Mock did not start within " + START_TIMEOUT + ": " + Files.readString(log.toPath()));
	}

	private static void sleep() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
