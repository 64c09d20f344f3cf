package io.genjobs.gateway.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The guard's checks, at registration time and at connection time. Every connection any
 * test here makes or refuses is to a loopback address.
 */
class OutboundGuardTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<AutoCloseable> servers = new ArrayList<>();

	private MockWebServer allowed;

	@BeforeEach
	void startAllowListedServer() throws IOException {
		this.allowed = new MockWebServer();
		this.allowed.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return answer(request);
			}
		});
		this.allowed.start(InetAddress.getByName("127.0.0.1"), 0);
		this.servers.add(this.allowed);
	}

	@AfterEach
	void stopServers() throws Exception {
		for (AutoCloseable server : this.servers) {
			server.close();
		}
	}

	@Test
	void checkAcceptsAPublicAddressWithoutConnectingToIt() {
		OutboundGuard guard = guard();
		assertThatNoException().isThrownBy(() -> guard.check(URI.create("http://93.184.216.34/image.png")));
		assertThatNoException().isThrownBy(() -> guard.check(URI.create("https://[2606:4700:4700::1111]/")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://127.0.0.1:8080/", "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/",
			"http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://224.0.0.1/",
			"http://0.0.0.0:8080/", "http://255.255.255.255/", "http://[::1]/", "http://[fd00::1]/",
			"http://[fe80::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/",
			"http://192.0.0.170/", "http://198.18.0.1/", "http://198.19.255.254/", "http://192.0.2.1/",
			"http://203.0.113.9/", "http://240.1.2.3/", "http://[2001:db8::1]/", "http://[3fff::1]/",
			"http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::]/", "http://[64:ff9b::a9fe:a9fe]/",
			"http://[64:ff9b:1::a9fe:a9fe]/", "http://[64:ff9b:1::5db8:d822]/", "http://[::ffff:0:7f00:1]/",
			"http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://[100::1]/", "http://[5f00::1]/" })
	void checkRefusesInternalAddresses(String url) {
		assertThatThrownBy(() -> guard().check(URI.create(url))).isInstanceOf(OutboundRefusedException.class)
			.hasMessageContaining("is not allow-listed");
	}

	@Test
	void checkExplainsTheRefusalForAName() {
		assertThatThrownBy(() -> guard().check(URI.create("http://localhost:8080/hook"))).hasMessage(
				"host localhost resolves to 127.0.0.1, a loopback address, and localhost:8080 is not allow-listed");
	}

	@Test
	void checkExplainsTheRefusalForALiteral() {
		assertThatThrownBy(() -> guard().check(URI.create("https://[fe80::1]/")))
			.hasMessage("address [fe80::1] is a link-local address, and [fe80::1]:443 is not allow-listed");
	}

	@Test
	void refusalNeverRepeatsCredentialsOrPath() {
		assertThatThrownBy(() -> guard().check(URI.create("http://alice:s3cret@127.0.0.1:9/private?token=t0k")))
			.isInstanceOf(OutboundRefusedException.class)
			.message()
			.doesNotContain("alice")
			.doesNotContain("s3cret")
			.doesNotContain("private")
			.doesNotContain("t0k");
	}

	@ParameterizedTest
	@ValueSource(strings = { "ftp://example.com/a.png", "file:///etc/passwd", "gopher://example.com/",
			"javascript:alert(1)", "/relative/path", "http:///no-host" })
	void checkRefusesOtherSchemesAndMissingHosts(String url) {
		assertThatThrownBy(() -> guard().check(URI.create(url))).isInstanceOf(OutboundRefusedException.class);
	}

	/**
	 * Regression: a port outside 1-65535 (which {@link URI} parses) threw an
	 * IllegalArgumentException out of {@code check}, and a webhook_url with one answered
	 * 500 (found by PostJobsFuzzTests).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http://127.0.0.1:0/hook", "http://127.0.0.1:65536/hook", "http://127.0.0.1:99999/hook",
			"https://[::1]:70000/" })
	void checkRefusesPortsOutOfRange(String url) {
		assertThatThrownBy(() -> guard().check(URI.create(url))).isInstanceOf(OutboundRefusedException.class)
			.hasMessageContaining("out of range");
	}

	@Test
	void allowListMatchesTheExactHostAndPortWithTheSchemesDefaultPort() {
		OutboundGuard guard = guard("LocalHost:8080", "127.0.0.1:80", "[::1]:443");
		assertThatNoException().isThrownBy(() -> guard.check(URI.create("http://localhost:8080/")));
		assertThatNoException().isThrownBy(() -> guard.check(URI.create("http://LOCALHOST:8080/")));
		assertThatNoException().isThrownBy(() -> guard.check(URI.create("http://127.0.0.1/")));
		assertThatNoException().isThrownBy(() -> guard.check(URI.create("https://[0:0:0:0:0:0:0:1]/")));
		assertThatThrownBy(() -> guard.check(URI.create("http://localhost:8081/")))
			.isInstanceOf(OutboundRefusedException.class);
		assertThatThrownBy(() -> guard.check(URI.create("https://127.0.0.1/")))
			.isInstanceOf(OutboundRefusedException.class);
		assertThatThrownBy(() -> guard.check(URI.create("http://127.0.0.1:8080/")))
			.isInstanceOf(OutboundRefusedException.class);
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "localhost", "::1:8080", "localhost:", ":8080", "localhost:http", "localhost:70000", "[::1]" })
	void allowListEntriesMustBeHostAndPort(String entry) {
		assertThatIllegalArgumentException().isThrownBy(() -> guard(entry)).withMessageContaining(entry);
	}

	@Test
	void clientConnectsToAnAllowListedLoopbackServer() {
		ResponseEntity<String> answer = client(guard(allowedEntry()), false).get()
			.uri(allowedUrl("/ok"))
			.retrieve()
			.toEntity(String.class)
			.block(TIMEOUT);
		assertThat(answer.getBody()).isEqualTo("ok");
	}

	@Test
	void clientConnectsToAnAllowListedIpv6LoopbackServer() throws IOException {
		MockWebServer ipv6 = new MockWebServer();
		this.servers.add(ipv6);
		try {
			ipv6.start(InetAddress.getByName("::1"), 0);
		}
		catch (IOException ex) {
			assumeTrue(false, "no IPv6 loopback on this machine: " + ex.getMessage());
		}
		ipv6.enqueue(new MockResponse.Builder().body("ok over IPv6").build());
		String body = client(guard("[0:0:0:0:0:0:0:1]:" + ipv6.getPort()), false).get()
			.uri("http://[::1]:" + ipv6.getPort() + "/")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertThat(body).isEqualTo("ok over IPv6");
	}

	@Test
	void clientNeverConnectsToALoopbackPortThatIsNotAllowListed() throws IOException {
		CountingServer target = counting("127.0.0.1");
		assertRefusedWithoutConnecting("http://127.0.0.1:" + target.port() + "/", target,
				"address 127.0.0.1 is a loopback address, and 127.0.0.1:" + target.port() + " is not allow-listed");
	}

	@Test
	void clientNeverConnectsToAnotherLoopbackAddress() throws IOException {
		CountingServer target = counting("127.0.0.2");
		assertRefusedWithoutConnecting("http://127.0.0.2:" + target.port() + "/", target, "loopback");
	}

	@Test
	void clientNeverConnectsToIpv6Loopback() {
		CountingServer target;
		try {
			target = counting("::1");
		}
		catch (IOException ex) {
			assumeTrue(false, "no IPv6 loopback on this machine: " + ex.getMessage());
			return;
		}
		assertRefusedWithoutConnecting("http://[::1]:" + target.port() + "/", target,
				"address [::1] is a loopback address");
	}

	@Test
	void clientNeverConnectsToANameThatResolvesToLoopback() throws IOException {
		CountingServer target = counting("127.0.0.1");
		assertRefusedWithoutConnecting("http://localhost:" + target.port() + "/", target,
				"host localhost resolves to 127.0.0.1, a loopback address");
	}

	@Test
	void clientRefusesARedirectToAnAddressThatIsNotAllowListed() throws IOException {
		CountingServer target = counting("127.0.0.1");
		WebClient client = client(guard(allowedEntry()), true);
		String url = allowedUrl("/redirect-to?port=" + target.port());
		assertThatThrownBy(() -> client.get().uri(url).retrieve().toBodilessEntity().block(TIMEOUT)).rootCause()
			.isInstanceOf(OutboundRefusedException.class)
			.hasMessageContaining("127.0.0.1:" + target.port() + " is not allow-listed");
		assertThat(this.allowed.getRequestCount()).isEqualTo(1);
		assertThat(target.connections()).isZero();
	}

	@Test
	void clientFollowsUpToThreeRedirects() {
		ResponseEntity<String> answer = client(guard(allowedEntry()), true).get()
			.uri(allowedUrl("/hops/3"))
			.retrieve()
			.toEntity(String.class)
			.block(TIMEOUT);
		assertThat(answer.getBody()).isEqualTo("ok");
		assertThat(this.allowed.getRequestCount()).isEqualTo(4);
	}

	@Test
	void clientRefusesAFourthRedirect() {
		WebClient client = client(guard(allowedEntry()), true);
		assertThatThrownBy(() -> client.get().uri(allowedUrl("/hops/4")).retrieve().toBodilessEntity().block(TIMEOUT))
			.isInstanceOf(OutboundRefusedException.class)
			.hasMessage("127.0.0.1 redirected more than 3 times");
		assertThat(this.allowed.getRequestCount()).isEqualTo(4);
	}

	@Test
	void clientRefusesARedirectToAnotherScheme() {
		WebClient client = client(guard(allowedEntry()), true);
		assertThatThrownBy(() -> client.get().uri(allowedUrl("/to-file")).retrieve().toBodilessEntity().block(TIMEOUT))
			.isInstanceOf(OutboundRefusedException.class)
			.hasMessageContaining("other than an http or https URL");
	}

	@Test
	void clientWithoutRedirectsHandsBackTheRedirect() {
		ResponseEntity<Void> answer = client(guard(allowedEntry()), false).get()
			.uri(allowedUrl("/hops/1"))
			.exchangeToMono((response) -> response.toBodilessEntity())
			.block(TIMEOUT);
		assertThat(answer.getStatusCode().value()).isEqualTo(302);
		assertThat(this.allowed.getRequestCount()).isEqualTo(1);
	}

	private void assertRefusedWithoutConnecting(String url, CountingServer target, String message) {
		WebClient client = client(guard(allowedEntry()), true);
		assertThatThrownBy(() -> client.get().uri(url).retrieve().toBodilessEntity().block(TIMEOUT)).rootCause()
			.isInstanceOf(OutboundRefusedException.class)
			.hasMessageContaining(message);
		assertThat(target.connections()).isZero();
	}

	private static MockResponse answer(RecordedRequest request) {
		String path = request.getUrl().encodedPath();
		if (path.equals("/redirect-to")) {
			return redirect("http://127.0.0.1:" + request.getUrl().queryParameter("port") + "/");
		}
		if (path.startsWith("/hops/")) {
			int left = Integer.parseInt(path.substring("/hops/".length()));
			return (left == 0) ? new MockResponse.Builder().body("ok").build() : redirect("/hops/" + (left - 1));
		}
		if (path.equals("/to-file")) {
			return redirect("file:///etc/passwd");
		}
		return new MockResponse.Builder().body("ok").build();
	}

	private static MockResponse redirect(String location) {
		return new MockResponse.Builder().code(302).addHeader("Location", location).build();
	}

	private CountingServer counting(String address) throws IOException {
		CountingServer server = CountingServer.on(address);
		this.servers.add(server);
		return server;
	}

	private String allowedEntry() {
		return "127.0.0.1:" + this.allowed.getPort();
	}

	private String allowedUrl(String path) {
		return "http://127.0.0.1:" + this.allowed.getPort() + path;
	}

	private static OutboundGuard guard(String... allowedHosts) {
		return new OutboundGuard(new OutboundSettings(List.of(allowedHosts), 3, Duration.ofSeconds(2)));
	}

	private static WebClient client(OutboundGuard guard, boolean followRedirects) {
		return guard.webClientBuilder(followRedirects).build();
	}

}
