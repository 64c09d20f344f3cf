package io.genjobs.gateway.support.fuzz;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.genjobs.gateway.common.web.PageCursor;
import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestWebhookConsumer;
import io.genjobs.gateway.support.fuzz.RawRequest.Framing;
import io.genjobs.gateway.support.fuzz.RawRequest.Header;

import static io.genjobs.gateway.support.fuzz.RawHttp.ascii;

/**
 * Makes one request to one public route from one seed, for the route fuzz test: hostile,
 * malformed or valid path parameters, query parameters (the ones the route reads and
 * others), cursors, headers and small bodies; the same seed makes the same request. The
 * only URLs it puts in a body name loopback servers of the tests; no header names a host
 * that is ever contacted.
 * <p>
 * Path and query values are written as they go on the wire (percent-encoded or raw
 * bytes), so that encodings no client library would send reach the gateway.
 */
public final class RouteRequestGenerator {

	private static final Pattern VARIABLE = Pattern.compile("\\{(\\*?)(\\w+)}");

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	/** Path and query values, as sent: percent-encodings good and bad, raw bytes. */
	private static final List<String> HOSTILE = List.of("", "%00", "a%00b", "%ZZ", "%", "%4", "%C3", "%C3%28", "%E2%82",
			"%ED%A0%80", "%F4%90%80%80", "%FF", "%C0%80", "%2F", "%2f..%2f", "%2e%2e", "..", ".", "%20", "+", "%2B",
			"a;b", ";", ";x=1", "~", "%7E", "%25", "%2500", "%5C", "%22", "%27%20or%201%3D1", "%3Cscript%3E", "null",
			"undefined", "-1", "0", "1e400", "9223372036854775808", "NaN", "true", "[]", "{}", "%7B%7D", "\u00e9",
			"\u00ff", "\u732b", "%F0%9F%98%80", "%EF%BB%BF", "%E2%80%AE", "x".repeat(300), "x".repeat(3000),
			"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "1-1-1-1-1",
			"%7B0196b5a4-7c1e-7000-8000-000000000001%7D");

	private static final List<String> STATUSES = List.of("queued", "submitted", "running", "succeeded", "failed",
			"cancelled", "pending", "delivered", "QUEUED", "queued,failed", "queued%00");

	private static final List<String> LIMITS = List.of("1", "2", "20", "100", "0", "101", "-1", "", "1.5", "1e2", "%31",
			"0x10", "99999999999", "2147483648", "\u0661");

	private static final List<String> ACCEPT = List.of("application/json", "*/*", "application/problem+json",
			"application/*", "text/html", "application/xml", "text/event-stream", "a/b/c", "", "*/*;q=0",
			"application/json;q=x", "image/*", "application/json, text/plain;q=0.5", "application/json;charset=bogus",
			"\u00e9/\u00e9", "application/json;q=0", "text/plain", "application/octet-stream", ";", "*");

	private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
			"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
			"application/json; charset=bogus", "a/b/c", "", "application/merge-patch+json", "*/*",
			"application/json; charset=utf-16");

	private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

	private final Random r;

	private final FuzzRoute route;

	private final Fixtures fixtures;

	private String generator = "valid";

	private boolean serverMayRefuse;

	public RouteRequestGenerator(Random random, FuzzRoute route, Fixtures fixtures) {
		this.r = random;
		this.route = route;
		this.fixtures = fixtures;
	}

	/** The request this generator's seed makes, and where it goes. */
	public RouteRequest generate() {
		String method = this.route.method();
		if (this.r.nextInt(12) == 0) {
			method = pick(METHODS);
			this.generator = "method";
		}
		String path = path();
		String query = query();
		List<Header> headers = headers();
		byte[] body = body(method, headers);
		// Raw non-ASCII characters go out as their UTF-8 bytes.
		byte[] target = (path + query).getBytes(StandardCharsets.UTF_8);
		if (method.length() + target.length + 10 > 4000 || !isUri(target)) {
			// Over Reactor Netty's 4 KB request line, or not a URI (raw non-ASCII bytes,
			// a
			// '%' without two hex digits, '{'): not HTTP, which the HTTP server refuses
			// itself with a bare 400 before the gateway sees it.
			this.serverMayRefuse = true;
		}
		Framing framing = (body.length == 0 && this.r.nextBoolean()) ? Framing.NONE : Framing.CONTENT_LENGTH;
		RawRequest request = new RawRequest(this.generator, headers, body, framing, 0, null, false,
				this.serverMayRefuse);
		return new RouteRequest(this.route, method, target, request);
	}

	private static boolean isUri(byte[] target) {
		for (byte b : target) {
			if (b < 0x21) {
				return false;
			}
		}
		try {
			new URI(new String(target, StandardCharsets.US_ASCII));
			return true;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	// Path -----------------------------------------------------------------------

	private String path() {
		Matcher matcher = VARIABLE.matcher(this.route.pattern());
		StringBuilder path = new StringBuilder();
		while (matcher.find()) {
			boolean catchAll = !matcher.group(1).isEmpty();
			matcher.appendReplacement(path, Matcher.quoteReplacement(pathValue(matcher.group(2), catchAll)));
		}
		matcher.appendTail(path);
		String spelt = path.toString();
		if (this.r.nextInt(8) == 0) {
			this.generator = "path-spelling";
			spelt = switch (this.r.nextInt(8)) {
				case 0 -> spelt + ";x=1";
				case 1 -> spelt + "/";
				case 2 -> "/" + spelt;
				case 3 -> spelt.replaceFirst("/", "//");
				case 4 -> spelt.toUpperCase(Locale.ROOT);
				case 5 -> spelt.replace("/", "%2F").replaceFirst("%2F", "/");
				case 6 -> spelt + "/..";
				default -> spelt.replaceFirst("/([^/]+)", "/$1;p");
			};
		}
		return spelt;
	}

	private String pathValue(String variable, boolean catchAll) {
		int dice = this.r.nextInt(10);
		if (dice < 4) {
			return catchAll ? MODEL : this.fixtures.idFor(this.route, this.r);
		}
		this.generator = "path-parameter";
		if (dice < 5) {
			return uuid().toString();
		}
		if (dice < 6) {
			String id = uuid().toString();
			return pick(List.of(id.toUpperCase(Locale.ROOT), id + "0", id.substring(1), id.replace("-", ""), "%20" + id,
					id + "%00", id + ";x", id + "%3B"));
		}
		String value = pick(HOSTILE);
		if (catchAll && this.r.nextBoolean()) {
			value = MODEL + "/" + value;
		}
		// A path parameter cannot be empty without changing the route.
		return value.isEmpty() ? "%20" : value;
	}

	// Query -----------------------------------------------------------------------

	private String query() {
		List<String> pairs = new ArrayList<>();
		for (String name : this.route.queryParameters()) {
			if (this.r.nextInt(3) == 0) {
				pairs.add(name + "=" + queryValue(name));
			}
		}
		int dice = this.r.nextInt(10);
		if (dice == 0 && !this.route.queryParameters().isEmpty()) {
			this.generator = "query-repeated";
			String name = pick(this.route.queryParameters());
			pairs.add(name + "=" + queryValue(name));
			pairs.add(name + "=" + queryValue(name));
		}
		else if (dice == 1) {
			this.generator = "query-unknown";
			pairs.add(pick(HOSTILE) + "=" + pick(HOSTILE));
		}
		else if (dice == 2 && !this.route.queryParameters().isEmpty()) {
			this.generator = "query-shape";
			String name = pick(this.route.queryParameters());
			pairs.add(pick(List.of(name, name + "=", "=" + name, name + "==", name + "%00=1", name + "[]=1",
					name + "=1=2", "&&", name.toUpperCase(Locale.ROOT) + "=1")));
		}
		if (pairs.isEmpty()) {
			return this.r.nextInt(20) == 0 ? pick(List.of("?", "?&", "?=")) : "";
		}
		return "?" + String.join("&", pairs);
	}

	private String queryValue(String name) {
		int dice = this.r.nextInt(10);
		if (dice < 6) {
			return switch (name) {
				case "status" -> pick(STATUSES);
				case "limit" -> pick(LIMITS);
				case "cursor" -> cursor();
				case "model" -> pick(List.of(MODEL, MODEL.replace("/", "%2F"), "other", MODEL + "%00"));
				case "job_id" -> this.r.nextBoolean() ? this.fixtures.jobId() : uuid().toString();
				default -> pick(HOSTILE);
			};
		}
		this.generator = "query-value";
		return pick(HOSTILE);
	}

	/** A cursor: issued, forged (times out of range, other spellings), or noise. */
	private String cursor() {
		String id = uuid().toString();
		return switch (this.r.nextInt(8)) {
			case 0, 1 -> new PageCursor(Instant.now(), uuid()).encode();
			case 2 ->
				base64(pick(List.of(Long.MAX_VALUE, Long.MIN_VALUE, -1L, 253_402_300_800_000_000L, 0L)) + "." + id);
			case 3 -> base64(pick(List.of("+1.", "01.", "1e3.", "1.5.", "\u0000.", " 1.")) + id);
			case 4 -> base64("1." + id.toUpperCase(Locale.ROOT));
			case 5 -> new PageCursor(Instant.now(), uuid()).encode() + pick(List.of("=", "==", "%3D", "x"));
			case 6 -> {
				byte[] noise = new byte[this.r.nextInt(64)];
				this.r.nextBytes(noise);
				yield Base64.getUrlEncoder().encodeToString(noise);
			}
			default -> pick(HOSTILE);
		};
	}

	private static String base64(String plain) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
	}

	// Headers ---------------------------------------------------------------------

	private List<Header> headers() {
		List<Header> headers = new ArrayList<>();
		headers.add(Header.of("Authorization", authorization()));
		for (String name : this.route.headers()) {
			if (this.r.nextInt(3) == 0) {
				headers.add(header(name, pick(HOSTILE).replace("%", "")));
			}
		}
		int extras = (this.r.nextInt(3) == 0) ? 1 + this.r.nextInt(3) : 0;
		for (int i = 0; i < extras; i++) {
			if (this.generator.equals("valid")) {
				this.generator = "headers";
			}
			headers.add(extraHeader());
		}
		return headers;
	}

	private String authorization() {
		String valid = this.route.admin() ? this.fixtures.adminToken() : this.fixtures.teamKey();
		if (this.r.nextInt(12) != 0) {
			return "Bearer " + valid;
		}
		this.generator = "authorization";
		return pick(List.of("", "Bearer", "Bearer ", "Bearer " + valid + "x", "bearer " + valid, "Basic " + valid,
				"Bearer " + (this.route.admin() ? this.fixtures.teamKey() : this.fixtures.adminToken()),
				"Bearer " + valid + " " + valid, "Bearer rcg_" + "A".repeat(43), "Bearer \u00e9", "Bearer %00"));
	}

	private Header extraHeader() {
		return switch (this.r.nextInt(16)) {
			case 0, 1 -> Header.of("Accept", pick(ACCEPT));
			case 2 -> Header.of("Content-Type", pick(CONTENT_TYPES));
			case 3 -> Header.of("Accept-Encoding", pick(List.of("gzip", "br, gzip;q=0", "identity;q=0", "x", "*")));
			case 4 -> Header.of("Accept-Language", pick(List.of("en", "*", "xx-\u00e9", ";q=1", "de-DE,de;q=0.9")));
			case 5 -> Header.of("If-None-Match", pick(List.of("*", "\"x\"", "W/\"x\"", "x", "\"")));
			case 6 -> Header.of("If-Modified-Since", pick(List.of("Wed, 21 Oct 2015 07:28:00 GMT", "x", "0", "")));
			case 7 -> Header.of("Range", pick(List.of("bytes=0-1", "bytes=x", "bytes=1-0", "lines=1", "bytes=-")));
			case 8 -> Header.of("Origin", pick(List.of("http://127.0.0.1:1", "null", "x", "http://[::1]:1")));
			case 9 -> Header.of("Access-Control-Request-Method", pick(METHODS));
			case 10 -> Header.of("traceparent",
					pick(List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "x", "00-00-00-00", "")));
			case 11 -> Header.of("X-Forwarded-For", pick(List.of("1.2.3.4", "x", "::1", "", "127.0.0.1, 10.0.0.1")));
			case 12 -> Header.of("Forwarded", pick(List.of("for=1.2.3.4", "for=\"[::1]\"", "x", "by=;for=")));
			case 13 -> Header.of("Idempotency-Key", pick(List.of("k", "", "x".repeat(256), "\u00e9")));
			case 14 -> header("X-Fuzz-" + this.r.nextInt(3), pick(HOSTILE));
			default -> Header.of("Cookie", pick(List.of("a=b", "=", "x", "SESSION=%00")));
		};
	}

	/** A header value with any character: a control character is not HTTP. */
	private Header header(String name, String value) {
		if (this.r.nextInt(20) == 0) {
			this.serverMayRefuse = true;
			return new Header(name, ascii("a" + (char) (1 + this.r.nextInt(0x1e)) + "b"));
		}
		return Header.of(name, value);
	}

	// Body -----------------------------------------------------------------------

	private byte[] body(String method, List<Header> headers) {
		boolean wanted = this.route.consumesJson() || method.equals("POST") || method.equals("PATCH");
		if (!wanted && this.r.nextInt(10) != 0) {
			return new byte[0];
		}
		if (headers.stream().noneMatch((header) -> header.name().equalsIgnoreCase("Content-Type"))
				&& this.r.nextInt(10) != 0) {
			headers.add(Header.of("Content-Type", "application/json"));
		}
		String consumer = "http://" + TestWebhookConsumer.hostPort() + "/fuzz";
		return switch (this.r.nextInt(14)) {
			case 0 -> new byte[0];
			case 1 -> ascii("{}");
			case 2 -> ascii(pick(List.of("[]", "null", "1", "\"x\"", "{", "{\"a\":", "}")));
			case 3 -> ascii("{\"name\": \"fuzz-" + uuid() + "\"}");
			case 4 -> ascii("{\"url\": \"" + consumer + "\", \"events\": [\"job.succeeded\"]}");
			case 5 -> ascii("{\"input\": {\"prompt\": \"a cat\", \"image_urls\": [\""
					+ TestImageServer.pngDataUri(400, 400) + "\"]}}");
			case 6 -> ascii(pick(List.of("{\"rate_limit_per_second\": 1e400}", "{\"max_queued_jobs\": -1}",
					"{\"disabled\": \"yes\"}", "{\"name\": \"\\u0000\"}", "{\"name\": null}", "{\"x\": 1}")));
			case 7 -> {
				byte[] noise = new byte[this.r.nextInt(300)];
				this.r.nextBytes(noise);
				yield noise;
			}
			case 8 -> ascii("{\"url\": \"" + pick(List.of("http://127.0.0.1:1/x", "ftp://127.0.0.1/x", "x", "",
					"http://[::1]:1/x", consumer + "/" + "p".repeat(3000))) + "\"}");
			case 9 -> "{\"name\": \"\u732b-\ud83d\ude00-".concat(uuid().toString())
				.concat("\"}")
				.getBytes(StandardCharsets.UTF_8);
			default -> ascii(pick(List.of("{\"events\": [\"job.failed\", 1]}", "{\"disabled\": true}",
					"{\"disabled\": false}", "{\"url\": \"" + consumer + "\", \"events\": []}")));
		};
	}

	/** A UUID from the seed, so that a replayed case names the same ids. */
	private UUID uuid() {
		return new UUID(this.r.nextLong(), this.r.nextLong());
	}

	private <T> T pick(List<T> values) {
		return values.get(this.r.nextInt(values.size()));
	}

	/**
	 * What the generated requests may name: real ids of the fuzzing team's resources and
	 * the credentials.
	 */
	public interface Fixtures {

		/** An id that exists for this route (or a fresh UUID where none is known). */
		String idFor(FuzzRoute route, Random random);

		String jobId();

		String teamKey();

		String adminToken();

	}

	/** A generated request and where it goes. */
	public record RouteRequest(FuzzRoute route, String method, byte[] target, RawRequest request) {

		public String describe() {
			return this.method + " " + RawHttp.preview(this.target, 200) + " | " + this.request.describe();
		}

	}

}
