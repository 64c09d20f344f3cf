package io.genjobs.gateway.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Keeps the gateway from calling into its own network on a user's behalf (README,
 * "Outbound safety"): only http and https, and no connection to a loopback, private,
 * link-local, carrier-grade NAT, multicast, broadcast, reserved or unspecified address
 * (IPv4-mapped IPv6 forms included) unless the URL's exact {@code host:port} is
 * allow-listed ({@code gateway.outbound.allowed-hosts}).
 * <p>
 * The clients it builds check the address of every connection they open, after name
 * resolution and before connecting, including each redirect hop; the addresses checked
 * are the addresses connected to, so a name that resolves differently the second time
 * (DNS rebinding) gains nothing.
 */
@Component
public class OutboundGuard {

	private static final Set<Integer> FOLLOWED_REDIRECTS = Set.of(301, 302, 303, 307, 308);

	private final Set<HostPort> allowedHosts;

	private final int maxRedirects;

	private final HttpClient directClient;

	private final HttpClient redirectingClient;

	private final ObservationRegistry observations;

	/** A guard whose clients are not observed (for tests). */
	public OutboundGuard(OutboundSettings settings) {
		this(settings, ObservationRegistry.NOOP);
	}

	/**
	 * A guard whose clients are observed: each request is a client span (carrying
	 * {@code traceparent}) and counts in {@code http.client.requests}.
	 */
	@Autowired
	public OutboundGuard(OutboundSettings settings, ObservationRegistry observations) {
		this.observations = observations;
		this.allowedHosts = settings.allowedHosts()
			.stream()
			.map(HostPort::parse)
			.collect(Collectors.toUnmodifiableSet());
		this.maxRedirects = settings.maxRedirects();
		// One connection per request: every request resolves and is checked afresh, and
		// no pooled connection opened by another client, or before an allow-list or DNS
		// change, is ever reused for a user's URL.
		HttpClient client = HttpClient.newConnection()
			.resolver(new GuardedAddressResolverGroup(this))
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()));
		this.directClient = client.followRedirect(false);
		this.redirectingClient = client.followRedirect(this::mayFollow);
	}

	/**
	 * Checks a URL now, resolving its host (blocking), for URLs stored to be called later
	 * such as webhook endpoints. The clients from this guard check again on every
	 * connection, so passing this check is not a licence to call the URL with another
	 * client.
	 * @param uri the URL a user gave
	 * @throws OutboundRefusedException when the URL is not http(s), has no host, its host
	 * does not resolve, or it resolves to an internal address and its {@code host:port}
	 * is not allow-listed
	 */
	public void check(URI uri) throws OutboundRefusedException {
		HostPort target = target(uri);
		if (isAllowListed(target)) {
			return;
		}
		List<InetAddress> addresses;
		try {
			addresses = List.of(InetAddress.getAllByName(target.host()));
		}
		catch (UnknownHostException ex) {
			throw new OutboundRefusedException("host " + target.displayHost() + " could not be resolved");
		}
		checkAddresses(target, addresses);
	}

	/**
	 * A Reactor Netty client that checks the address of every connection it opens; a
	 * refused connection fails the request with an {@link OutboundRefusedException} as
	 * its cause, before anything connects. Its connections are not pooled.
	 * @param followRedirects whether to follow 301, 302, 303, 307 and 308 answers (at
	 * most {@code gateway.outbound.max-redirects} of them, each to an http(s) URL)
	 */
	public HttpClient httpClient(boolean followRedirects) {
		return followRedirects ? this.redirectingClient : this.directClient;
	}

	/**
	 * A {@link WebClient} builder on {@link #httpClient(boolean)}: a refused connection
	 * ends the exchange with a {@code WebClientRequestException} caused by an
	 * {@link OutboundRefusedException}. When it follows redirects, a redirect it will not
	 * follow (one too many, or to a URL that is not http(s)) ends the exchange with an
	 * {@link OutboundRefusedException} instead of handing the 3xx answer to the caller.
	 * The builder has none of Spring Boot's codec customizations; its requests are
	 * observed (client spans, {@code http.client.requests}) with the guard's registry.
	 * @param followRedirects whether to follow redirects
	 */
	public WebClient.Builder webClientBuilder(boolean followRedirects) {
		WebClient.Builder builder = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(httpClient(followRedirects)))
			.observationRegistry(this.observations);
		return followRedirects ? builder.filter(refuseUnfollowedRedirects()) : builder;
	}

	/** The most redirects a redirect-following client follows. */
	public int maxRedirects() {
		return this.maxRedirects;
	}

	/**
	 * The connection-time check: the addresses {@code target} resolved to, which are the
	 * only ones that will be connected to.
	 */
	void checkAddresses(HostPort target, List<InetAddress> addresses) {
		if (isAllowListed(target)) {
			return;
		}
		for (InetAddress address : addresses) {
			AddressKind kind = AddressKind.of(address);
			if (!kind.isPublic()) {
				throw refused(target, address, kind);
			}
		}
	}

	boolean isAllowListed(HostPort target) {
		return this.allowedHosts.contains(target);
	}

	private static OutboundRefusedException refused(HostPort target, InetAddress address, AddressKind kind) {
		String literal = new HostPort(address.getHostAddress(), target.port()).displayHost();
		String subject = target.isIpLiteral() ? "address " + literal + " is "
				: "host " + target.displayHost() + " resolves to " + literal + ", ";
		return new OutboundRefusedException(subject + kind.description() + ", and " + target + " is not allow-listed");
	}

	private static HostPort target(URI uri) {
		String scheme = uri.getScheme();
		if (scheme == null) {
			throw new OutboundRefusedException("the URL has no scheme; only http and https URLs are allowed");
		}
		String lowerScheme = scheme.toLowerCase(Locale.ROOT);
		if (!lowerScheme.equals("http") && !lowerScheme.equals("https")) {
			throw new OutboundRefusedException("only http and https URLs are allowed, not " + lowerScheme);
		}
		String host = uri.getHost();
		if (host == null || host.isEmpty()) {
			throw new OutboundRefusedException("the URL has no valid host");
		}
		int port = (uri.getPort() != -1) ? uri.getPort() : lowerScheme.equals("https") ? 443 : 80;
		// java.net.URI takes any digits as a port: 0 and 65536 parse.
		if (port < 1 || port > 65535) {
			throw new OutboundRefusedException("the URL's port " + port + " is out of range (1-65535)");
		}
		return new HostPort(host, port);
	}

	private boolean mayFollow(HttpClientRequest request, HttpClientResponse response) {
		return FOLLOWED_REDIRECTS.contains(response.status().code())
				&& request.redirectedFrom().length < this.maxRedirects
				&& isHttpLocation(response.responseHeaders().get(HttpHeaderNames.LOCATION));
	}

	private ExchangeFilterFunction refuseUnfollowedRedirects() {
		return (request, next) -> next.exchange(request).flatMap((response) -> {
			String location = response.headers().asHttpHeaders().getFirst(HttpHeaders.LOCATION);
			if (!FOLLOWED_REDIRECTS.contains(response.statusCode().value()) || location == null) {
				return Mono.just(response);
			}
			String host = request.url().getHost();
			String reason = isHttpLocation(location) ? host + " redirected more than " + this.maxRedirects + " times"
					: host + " redirected to something other than an http or https URL";
			return response.releaseBody().then(Mono.<ClientResponse>error(new OutboundRefusedException(reason)));
		});
	}

	/** Whether a {@code Location} is relative or an absolute http(s) URL. */
	private static boolean isHttpLocation(String location) {
		if (location == null) {
			return false;
		}
		try {
			String scheme = URI.create(location.strip()).getScheme();
			return scheme == null || scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https");
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
