package io.genjobs.gateway.support.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import io.genjobs.gateway.support.TestImageServer;
import io.genjobs.gateway.support.TestTeamsWithKeys.TestTeam;
import io.genjobs.gateway.support.fuzz.RawJsonObject.Member;
import io.genjobs.gateway.support.fuzz.RawRequest.Framing;
import io.genjobs.gateway.support.fuzz.RawRequest.Header;

import static io.genjobs.gateway.support.fuzz.RawHttp.ascii;
import static io.genjobs.gateway.support.fuzz.RawHttp.replace;
import static io.genjobs.gateway.support.fuzz.RawJsonObject.quote;

/**
 * Makes one malformed, hostile or valid {@code POST /jobs} request from one seed, for the
 * fuzz test of that endpoint: the same seed makes the same request (the random draws are
 * made in a fixed order). Every URL with a host that it makes names 127.0.0.1 or ::1.
 */
public final class PostJobsRequestGenerator {

	private static final String MODEL = "bytedance/dreamina-3-0/pro/image-to-video";

	/** {@code spring.http.codecs.max-in-memory-size}: 6400 KB. */
	private static final int BODY_LIMIT = 6400 * 1024;

	private static final List<String> NUMBERS = List.of("0", "-0", "1", "-1", "1.0", "-0.0", "0.5", "1e400", "-1e400",
			"1e-400", "1E2", "121", "121.0", "1.21e2", "12.1e1", "241", "241.00", "9223372036854775807",
			"9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616",
			"1" + "0".repeat(400), "0." + "0".repeat(900) + "1", "1e2147483648", "1e-2147483649", "1e999999999999",
			"4.9e-324", "1.7976931348623157e308", "1.8e308", "2147483648", "-2147483649", "123456789.123456789e-5",
			"-1" + "9".repeat(30));

	/**
	 * Numbers longer than the JSON parser reads (1000 characters): refused as malformed.
	 */
	private static final List<String> OVERLONG_NUMBERS = List.of("1" + "0".repeat(1200), "0." + "1".repeat(5000),
			"-" + "9".repeat(100_000));

	private static final List<String> INVALID_NUMBERS = List.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.",
			"0x10", "1e", "--1", "1e+", "-", "1_000", "١");

	private static final List<String> HOSTILE_STRINGS = List.of("", " ", "   \t\n", "\u0000", "a\u0000b", "\ud800",
			"\udfff", "\ud800\ud800", "x\udc00", "\udc00\ud800", "\ud83d\ude00", "\u2028\u2029", "\ufeff", "\uffff",
			"\ufffe", "\u202eevil", "null", "true", "0", "[]", "{}", "<script>alert(1)</script>",
			"'; drop table jobs; --", "%00", "../../etc/passwd", "\uff41", "a\u0301", "a".repeat(10_000),
			"\u00e9".repeat(3000), MODEL, MODEL.toUpperCase(Locale.ROOT), MODEL + "/", " " + MODEL, MODEL + "\u0000",
			"job.succeeded", "JOB.SUCCEEDED", "job.succeeded ", "\\u0000", "\u0085", "\u001b[31mred");

	private static final List<String> EVENTS = List.of("job.submitted", "job.running", "job.succeeded", "job.failed",
			"job.cancelled");

	private static final List<String> PROMPTS = List.of("A slow tracking shot down a sunlit street", "a cat surfing",
			"\u732b\u304c\u6ce2\u306b\u4e57\u308b", "\ud83c\udf0a\ud83d\udc31", "x");

	private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
			"application/json;charset=UTF-8", "Application/JSON", "application/json; charset=utf-16",
			"application/json; charset=UTF-32", "application/json; charset=iso-8859-1",
			"application/json; charset=bogus-42", "application/json; charset=", "application/json; charset=\"utf-8\"",
			"application/json; charset", "application/json;;", "application/json; boundary=x",
			"application/json; q=0.5", "application/json; charset=utf-8; charset=latin1", "application/json\t",
			"application/json,", "application/json, text/plain", "application/problem+json",
			"application/merge-patch+json", "application/vnd.api+json", "application/*", "*/*", "application", "/",
			"a/b/c", "json", "", "text/plain", "text/json", "text/html; charset=utf-8", "application/xml",
			"application/x-www-form-urlencoded", "multipart/form-data; boundary=----fuzz", "multipart/mixed",
			"application/x-ndjson", "application/cbor", "application/octet-stream", "application/j\u00e9son",
			"application/json; charset=\u00e9");

	private static final List<String> UNSUPPORTED_TYPES = List.of("text/plain", "text/html; charset=utf-8",
			"application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=----fuzz",
			"application/cbor", "application/octet-stream");

	private final Random r;

	private final TestTeam team;

	private final String images = TestImageServer.hostPort();

	private final int imagesPort = Integer.parseInt(this.images.substring(this.images.indexOf(':') + 1));

	private String generator;

	private final List<Header> headers = new ArrayList<>();

	private Integer expected;

	private boolean mustBeRejected;

	private Framing framing = Framing.CONTENT_LENGTH;

	private long declaredLength;

	private boolean anonymous;

	private boolean notHttp;

	public PostJobsRequestGenerator(Random random, TestTeam team) {
		this.r = random;
		this.team = team;
	}

	/** The request this generator's seed makes. */
	public RawRequest generate() {
		byte[] body = body();
		if (!this.anonymous && this.headers.stream().noneMatch((h) -> h.name().equals("Authorization"))) {
			this.headers.add(0, Header.of("Authorization", this.team.bearer()));
		}
		if (this.headers.stream().noneMatch((h) -> h.name().equalsIgnoreCase("Content-Type"))
				&& !"no-content-type".equals(this.generator)) {
			this.headers.add(Header.of("Content-Type", "application/json"));
		}
		return new RawRequest(this.generator, List.copyOf(this.headers), body, this.framing, this.declaredLength,
				this.expected, this.mustBeRejected, this.notHttp);
	}

	private byte[] body() {
		int dice = this.r.nextInt(1000);
		byte[] body;
		if (dice < 50) {
			body = randomBytes();
		}
		else if (dice < 90) {
			body = randomText();
		}
		else if (dice < 150) {
			body = truncated();
		}
		else if (dice < 200) {
			body = deeplyNested();
		}
		else if (dice < 280) {
			body = numbers();
		}
		else if (dice < 380) {
			body = wrongTypes();
		}
		else if (dice < 430) {
			body = unknownMembers();
		}
		else if (dice < 480) {
			body = duplicateKeys();
		}
		else if (dice < 580) {
			body = hostileStrings();
		}
		else if (dice < 660) {
			body = nearTheLimits();
		}
		else if (dice < 860) {
			body = mutatedValid();
		}
		else if (dice < 930) {
			body = contentTypes();
		}
		else if (dice < 970) {
			body = idempotencyKeys();
		}
		else if (dice < 985) {
			body = authorization();
		}
		else {
			body = sizes();
		}
		// Now and then, header noise on top of whatever the body is.
		if (this.r.nextInt(20) == 0 && !"content-type".equals(this.generator)) {
			this.headers.add(Header.of("Content-Type", pick(CONTENT_TYPES)));
			this.expected = null;
		}
		if (this.r.nextInt(20) == 0 && !"idempotency-key".equals(this.generator)) {
			this.headers.add(Header.of("Idempotency-Key", "fuzz-" + this.r.nextInt(8)));
			this.expected = null;
		}
		return body;
	}

	// Whole-body garbage ---------------------------------------------------------

	private byte[] randomBytes() {
		this.generator = "random-bytes";
		this.mustBeRejected = true;
		byte[] bytes = new byte[this.r.nextInt(2000)];
		this.r.nextBytes(bytes);
		if (bytes.length > 0 && this.r.nextBoolean()) {
			bytes[0] = (byte) (this.r.nextBoolean() ? '{' : '[');
		}
		return bytes;
	}

	private byte[] randomText() {
		this.generator = "random-utf8";
		this.mustBeRejected = true;
		String text = text(this.r.nextInt(500));
		return (this.r.nextBoolean() ? "{\"input\": " + text : text).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] truncated() {
		this.generator = "truncated-json";
		this.mustBeRejected = true;
		String body = validBody().render(this.r);
		String cut = body.substring(0, this.r.nextInt(body.length()));
		if (this.r.nextInt(4) == 0) {
			cut = cut + pick(List.of("\"", "\\", "\\u12", "\\ud8", ",", ":", "]", "}}}", "\u0000", "/*", "//"));
		}
		return cut.getBytes(StandardCharsets.UTF_8);
	}

	private byte[] deeplyNested() {
		this.generator = "deeply-nested";
		int depth = pick(List.of(2, 50, 499, 500, 501, 999, 1000, 1001, 2000, 10_000, 100_000));
		boolean arrays = this.r.nextBoolean();
		boolean closed = this.r.nextInt(5) != 0;
		String open = arrays ? "[" : "{\"a\":";
		String close = arrays ? "]" : "}";
		String nested = open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
		if (depth >= 1000 || !closed) {
			this.mustBeRejected = true;
		}
		RawJsonObject body = validBody();
		switch (this.r.nextInt(6)) {
			case 0 -> {
				return nested.getBytes(StandardCharsets.UTF_8);
			}
			case 1 -> body.put("metadata", arrays ? "{\"deep\":" + nested + "}" : nested);
			case 2 -> body.input().put("prompt", nested);
			case 3 -> body.input().put("image_urls", nested);
			case 4 -> body.put("model", nested);
			default -> body.put(key(), nested);
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	// Members -------------------------------------------------------------------

	private byte[] numbers() {
		this.generator = "numbers";
		RawJsonObject body = validBody();
		int dice = this.r.nextInt(10);
		String number = (dice < 2) ? pick(INVALID_NUMBERS) : (dice < 3) ? pick(OVERLONG_NUMBERS) : pick(NUMBERS);
		this.mustBeRejected = dice < 3;
		switch (this.r.nextInt(7)) {
			case 0 -> body.input().put("seed", number);
			case 1 -> body.input().put("frames", number);
			case 2 -> body.put("metadata", "{\"n\":" + number + ",\"list\":[" + number + "]}");
			case 3 -> body.put("model", number);
			case 4 -> body.input().put("prompt", number);
			case 5 -> body.put("webhook_events", "[" + number + "]");
			default -> body.input().put("image_urls", "[" + number + "]");
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] wrongTypes() {
		this.generator = "wrong-types";
		RawJsonObject body = validBody();
		this.expected = 422;
		int count = 1 + this.r.nextInt(3);
		for (int i = 0; i < count; i++) {
			int member = this.r.nextInt((body.input() != null) ? 9 : 5);
			switch (member) {
				case 0 -> body.put("model", valueExcept("string", "null"));
				case 1 -> body.put("input", valueExcept("object"));
				case 2 -> body.put("webhook_url", valueExcept("string", "null"));
				case 3 -> body.put("webhook_events", valueExcept("array", "null"));
				case 4 -> body.put("metadata", valueExcept("object", "null"));
				case 5 -> body.input().put("prompt", valueExcept("string"));
				case 6 -> body.input().put("image_urls", valueExcept("array"));
				case 7 -> body.input().put("seed", valueExcept("number"));
				default -> body.input().put("frames", valueExcept("number"));
			}
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] unknownMembers() {
		this.generator = "unknown-members";
		RawJsonObject body = validBody();
		this.expected = 422;
		RawJsonObject target = this.r.nextBoolean() ? body : body.input();
		int count = 1 + this.r.nextInt(3);
		Set<String> names = new HashSet<>();
		for (int i = 0; i < count; i++) {
			String name = this.r.nextBoolean() ? text(1 + this.r.nextInt(12), false)
					: pick(List.of("Input", "input ", " model", "\u0456nput", "", "__proto__", "constructor",
							"model\u0000", "INPUT", "Prompt", "image_url", "imageUrls", "webhookUrl", "meta"));
			if (names.add(name)) {
				target.members.add(new Member(quote(name), value(1)));
			}
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] duplicateKeys() {
		this.generator = "duplicate-keys";
		RawJsonObject body = validBody();
		this.expected = 400;
		switch (this.r.nextInt(3)) {
			case 0 -> body.duplicate(this.r, this.r.nextBoolean() ? null : value(1));
			case 1 -> body.input().duplicate(this.r, this.r.nextBoolean() ? null : value(1));
			default -> body.put("metadata", "{\"a\":1,\"b\":[],\"a\":" + value(1) + "}");
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] hostileStrings() {
		this.generator = "hostile-strings";
		RawJsonObject body = validBody();
		String value = switch (this.r.nextInt(4)) {
			case 0 -> quote(pick(HOSTILE_STRINGS));
			case 1 -> quote(text(1 + this.r.nextInt(40)));
			case 2 -> {
				// A raw control character in a string: not JSON.
				this.mustBeRejected = true;
				yield "\"a" + (char) this.r.nextInt(0x20) + "b\"";
			}
			default -> "\"__RAW__\"";
		};
		switch (this.r.nextInt(8)) {
			case 0 -> body.input().put("prompt", value);
			case 1 -> body.put("metadata", "{\"note\":" + value + "}");
			case 2 -> body.put("metadata", "{" + value + ":1}");
			case 3 -> body.put("model", value);
			case 4 -> body.put("webhook_url", value);
			case 5 -> body.input().put("image_urls", "[" + value + "]");
			case 6 -> body.put("webhook_events", "[" + value + "]");
			default -> body.members.add(new Member(value, "1"));
		}
		byte[] bytes = body.render(this.r).getBytes(StandardCharsets.UTF_8);
		return replace(bytes, "__RAW__".getBytes(StandardCharsets.US_ASCII), invalidUtf8());
	}

	/** Byte sequences that are not UTF-8 (or are, but encode surrogates). */
	private byte[] invalidUtf8() {
		List<byte[]> sequences = List.of(new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xC0, (byte) 0x80 },
				new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
				new byte[] { (byte) 0xED, (byte) 0xB0, (byte) 0x80 }, new byte[] { (byte) 0xE2, (byte) 0x82 },
				new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, new byte[] { (byte) 0x80 },
				new byte[] { (byte) 0xF0, (byte) 0x9F, (byte) 0x98 }, new byte[] { (byte) 0xC3 },
				new byte[] { (byte) 0xFE, (byte) 0xFF });
		return sequences.get(this.r.nextInt(sequences.size()));
	}

	private byte[] nearTheLimits() {
		this.generator = "limits";
		RawJsonObject body = validBody();
		body.remove("webhook_events");
		switch (this.r.nextInt(4)) {
			case 0 -> {
				int length = pick(List.of(0, 799, 800, 801, 5000));
				String unit = pick(List.of("a", "\u00e9", "\ud83d\ude00", " "));
				body.input().put("prompt", quote(unit.repeat(length)));
				// maxLength counts code points; a blank required string is refused.
				this.expected = (length == 0 || length > 800 || unit.equals(" ")) ? 422 : 202;
			}
			case 1 -> {
				int size = pick(List.of(4095, 4096, 4097, 10_000));
				body.put("metadata", metadataOfSize(size));
				this.expected = (size > 4096) ? 422 : 202;
			}
			case 2 -> {
				int length = pick(List.of(2047, 2048, 2049));
				String start = "http://" + this.images + "/hook/";
				body.put("webhook_url", quote(start + "a".repeat(length - start.length())));
				this.expected = (length > 2048) ? 422 : 202;
			}
			default -> {
				// Whitespace does not count towards metadata's size: compact JSON does.
				String metadata = metadataOfSize(4096);
				body.put("metadata", metadata.replace(":", " :\n\t ").replace("{", "{   "));
				this.expected = 202;
			}
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	/** A metadata object of exactly {@code size} bytes as compact JSON. */
	private String metadataOfSize(int size) {
		// {"k":"<value>"} is 8 bytes plus the value's.
		int room = size - 8;
		if (this.r.nextBoolean() && room % 2 == 0) {
			return "{\"k\":\"" + "\u00e9".repeat(room / 2) + "\"}";
		}
		return "{\"k\":\"" + "m".repeat(room) + "\"}";
	}

	private byte[] mutatedValid() {
		this.generator = "mutated-valid";
		RawJsonObject body = validBody();
		int count = 1 + this.r.nextInt(3);
		for (int i = 0; i < count; i++) {
			mutate(body);
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	private void mutate(RawJsonObject body) {
		RawJsonObject target = (this.r.nextBoolean() && body.input() != null) ? body.input() : body;
		switch (this.r.nextInt(11)) {
			case 0 -> target.dropOne(this.r);
			case 1 -> target.duplicate(this.r, null);
			case 2 -> target.replaceOne(this.r, value(0));
			case 3 -> target.members.add(new Member(quote(key()), value(1)));
			case 4 -> {
				int count = pick(List.of(0, 1, 1, 1, 2, 3));
				List<String> urls = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					urls.add(quote(imageUrl()));
				}
				inputOf(body).put("image_urls", "[" + String.join(",", urls) + "]");
			}
			case 5 -> inputOf(body).put(this.r.nextBoolean() ? "seed" : "frames", pick(NUMBERS));
			case 6 -> inputOf(body).put("prompt", quote(pick(PROMPTS) + pick(HOSTILE_STRINGS)));
			case 7 -> body.put("metadata", pick(List.of("{}", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}", "[]", "{\"\":\"\"}",
					metadataOfSize(4096), metadataOfSize(4097))));
			case 8 -> body.put("webhook_url", quote(webhookUrl()));
			case 9 -> body.put("webhook_events", events());
			default -> target.renameOne(this.r, pick(List.of("Model", "INPUT", "input\u0000", "metadata ",
					"webhook-url", "image_urls", "prompt", "seed", "model")));
		}
	}

	private RawJsonObject inputOf(RawJsonObject body) {
		RawJsonObject input = body.input();
		if (input == null) {
			input = validInput();
			body.put("input", input);
		}
		return input;
	}

	// Headers -------------------------------------------------------------------

	private byte[] contentTypes() {
		RawJsonObject body = validBody();
		int dice = this.r.nextInt(10);
		if (dice == 0) {
			this.generator = "no-content-type";
			this.expected = 415;
			return body.render(this.r).getBytes(StandardCharsets.UTF_8);
		}
		this.generator = "content-type";
		String type = pick(CONTENT_TYPES);
		if (dice == 1) {
			this.headers.add(Header.of("Content-Type", "text/plain"));
			type = "application/json";
		}
		if (UNSUPPORTED_TYPES.contains(type)) {
			this.expected = 415;
		}
		this.headers.add(Header.of("Content-Type", type));
		if (type.startsWith("multipart/form-data") && this.r.nextBoolean()) {
			return ("------fuzz\r\nContent-Disposition: form-data; name=\"body\"\r\n"
					+ "Content-Type: application/json\r\n\r\n" + body.render(this.r) + "\r\n------fuzz--\r\n")
				.getBytes(StandardCharsets.UTF_8);
		}
		if (type.contains("16") && this.r.nextBoolean()) {
			return body.render(this.r).getBytes(StandardCharsets.UTF_16);
		}
		if (type.contains("32") && this.r.nextBoolean()) {
			return body.render(this.r).getBytes(java.nio.charset.Charset.forName("UTF-32"));
		}
		if (type.contains("8859") && this.r.nextBoolean()) {
			return body.render(this.r).getBytes(StandardCharsets.ISO_8859_1);
		}
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] idempotencyKeys() {
		this.generator = "idempotency-key";
		RawJsonObject body = validBody();
		byte[] key;
		switch (this.r.nextInt(12)) {
			case 0, 1, 2, 3 -> key = ascii("fuzz-" + this.r.nextInt(8));
			case 4 -> {
				key = ascii(uniqueKey(255));
				this.expected = 202;
			}
			case 5 -> {
				key = ascii(uniqueKey(256));
				this.expected = 400;
			}
			case 6 -> {
				key = ascii(pick(List.of("", " ", "   ")));
				this.expected = 400;
			}
			case 7 -> {
				String control = pick(List.of("\t", "\u0001", "\u007f", "\u001b", "\u0000"));
				key = ascii("ab" + control + "cd");
				// HTTP allows a tab in a header value, no other control character:
				// those requests are refused by the HTTP server before the gateway.
				this.notHttp = !control.equals("\t");
			}
			case 8 -> key = "\u043a\u043b\u044e\u0447-\ud83d\udd11".getBytes(StandardCharsets.UTF_8);
			case 9 -> key = new byte[] { 'a', (byte) 0xE9, 'b' };
			case 10 -> {
				int length = pick(List.of(4000, 7000, 9000, 20_000));
				key = ascii("k".repeat(length));
				// Over the HTTP server's 8 KiB of headers.
				this.notHttp = length > 8000;
			}
			default -> {
				this.headers.add(Header.of("Idempotency-Key", "fuzz-a"));
				key = ascii("fuzz-b");
			}
		}
		this.headers.add(new Header("Idempotency-Key", key));
		return body.render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	/** Printable ASCII, different in every case. */
	private String uniqueKey(int length) {
		StringBuilder key = new StringBuilder();
		while (key.length() < length) {
			key.append((char) (0x21 + this.r.nextInt(0x7e - 0x21)));
		}
		return key.toString();
	}

	private byte[] authorization() {
		this.generator = "authorization";
		String value = pick(List.of("", "Bearer", "Bearer ", "Bearer nope", "Basic Zm9vOmJhcg==",
				this.team.bearer() + "x", this.team.bearer() + " extra", "bearer " + this.team.key(),
				"Bearer  " + this.team.key() + "  ", "Token " + this.team.key(), "\u00e9", "(none)", "(twice)"));
		if (value.equals("(twice)")) {
			this.headers.add(Header.of("Authorization", this.team.bearer()));
			this.headers.add(Header.of("Authorization", this.team.bearer()));
			this.expected = 401;
		}
		else if (value.equals("(none)")) {
			this.headers.add(Header.of("X-Authorization", this.team.bearer()));
			this.anonymous = true;
			this.expected = 401;
		}
		else {
			this.headers.add(Header.of("Authorization", value));
		}
		return validBody().render(this.r).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] sizes() {
		this.generator = "sizes";
		switch (this.r.nextInt(6)) {
			case 0 -> {
				this.expected = 400;
				return new byte[0];
			}
			case 1 -> {
				this.expected = 400;
				this.framing = Framing.NONE;
				return new byte[0];
			}
			case 2 -> {
				// A Content-Length over the limit is refused before a byte is read.
				this.expected = 413;
				this.framing = Framing.DECLARED;
				this.declaredLength = BODY_LIMIT + 1L + this.r.nextInt(1_000_000_000);
				return validBody().render(this.r).getBytes(StandardCharsets.UTF_8);
			}
			case 3, 4 -> {
				// Over the limit for real, with or without a Content-Length.
				this.expected = 413;
				this.framing = this.r.nextBoolean() ? Framing.CHUNKED : Framing.CONTENT_LENGTH;
				String prefix = "{\"input\": {\"prompt\": \"";
				byte[] body = new byte[BODY_LIMIT + 1 + this.r.nextInt(100_000)];
				Arrays.fill(body, (byte) 'x');
				System.arraycopy(ascii(prefix), 0, body, 0, prefix.length());
				return body;
			}
			default -> {
				this.expected = 400;
				this.framing = Framing.CHUNKED;
				return new byte[0];
			}
		}
	}

	// Valid building blocks --------------------------------------------------------

	RawJsonObject validBody() {
		RawJsonObject body = new RawJsonObject();
		if (this.r.nextInt(3) == 0) {
			body.put("model", quote(MODEL));
		}
		body.put("input", validInput());
		if (this.r.nextInt(3) == 0) {
			body.put("metadata", "{\"order\":" + this.r.nextInt(1000) + ",\"tag\":\"fuzz\"}");
		}
		if (this.r.nextInt(4) == 0) {
			body.put("webhook_url", quote("http://" + this.images + "/hook"));
			if (this.r.nextBoolean()) {
				body.put("webhook_events", "[\"job.succeeded\",\"job.failed\"]");
			}
		}
		Collections.shuffle(body.members, this.r);
		return body;
	}

	private RawJsonObject validInput() {
		RawJsonObject input = new RawJsonObject();
		input.put("prompt", quote(pick(PROMPTS)));
		input.put("image_urls", "[" + quote(goodImage()) + "]");
		if (this.r.nextBoolean()) {
			input.put("seed", Integer.toString(this.r.nextInt(2000) - 1));
		}
		if (this.r.nextBoolean()) {
			input.put("frames", this.r.nextBoolean() ? "121" : "241");
		}
		Collections.shuffle(input.members, this.r);
		return input;
	}

	private String goodImage() {
		return pick(List.of(TestImageServer.png(400, 400), TestImageServer.png(1024, 768),
				"http://" + this.images + "/images/640x480.jpg", TestImageServer.pngDataUri(400, 400)));
	}

	/** Image URLs: loopback only, mostly malformed or refused without connecting. */
	private String imageUrl() {
		int dice = this.r.nextInt(10);
		if (dice < 3) {
			return goodImage();
		}
		String base = "http://" + this.images;
		if (dice < 6) {
			return pick(List.of(TestImageServer.png(100, 100), TestImageServer.png(2000, 400),
					TestImageServer.png(400, 320), base + "/missing.png", base + "/images/400x400.gif",
					"http://127.0.0.1:1/x.png", "http://[::1]:1/x.png",
					"http://[::1]:" + this.imagesPort + "/images/400x400.png", "http://127.0.0.1:99999/x.png",
					"http://127.0.0.1:0/x.png", "http://user:pw@" + this.images + "/images/400x400.png",
					"HTTP://" + this.images + "/images/400x400.png", base + "/images/400x400.png#fragment",
					base + "/images/400x400.png?q=1", base + "/" + "p".repeat(3000),
					TestImageServer.pngDataUri(100, 100)));
		}
		if (dice < 7 && this.r.nextInt(10) == 0) {
			// TLS to a plain-HTTP loopback server: a transient failure, never cached.
			return "https://" + this.images + "/images/400x400.png";
		}
		byte[] noise = new byte[this.r.nextInt(64)];
		this.r.nextBytes(noise);
		return pick(List.of("", " ", "javascript:alert(1)", "file:///etc/passwd", "ftp://127.0.0.1/x.png", "data:",
				"data:,", "data:image/png;base64,", "data:image/png;base64,!!!!", "data:image/png;base64,iVBORw0KGgo=",
				"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB", "data:image/jpeg;base64,/9j/4AAQ",
				"data:image/gif;base64,R0lGODlhAQABAAAAACw=", "data:text/html,<script>alert(1)</script>",
				"data:image/png,notbase64", "DATA:IMAGE/PNG;BASE64,iVBORw0KGgo=", "data:image/png;base64,====",
				"data:image/png;charset=utf-8;base64,iVBORw0KGgo=",
				"data:image/png;base64," + Base64.getEncoder().encodeToString(noise),
				"data:image/png;base64," + Base64.getEncoder().encodeToString(hugePngHeader()),
				"data:image/jpeg;base64," + Base64.getEncoder()
					.encodeToString(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 1 }),
				"http://", "http:///x.png", "http://[::1", "http://%zz/", "//127.0.0.1/x.png", "127.0.0.1/x.png",
				"http:\\\\127.0.0.1\\x.png", "mailto:a@b", "urn:isbn:1", base + "/images/400x400.png\u0000", "\u0000",
				"http://exa mple/x.png", " " + goodImage(), "http://[::ffff:127.0.0.1]:1/x.png"));
	}

	/** A PNG header claiming 100000 x 100000 pixels, and no picture. */
	private static byte[] hugePngHeader() {
		return HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000186a0000186a00802000000");
	}

	private String webhookUrl() {
		String base = "http://" + this.images;
		return pick(List.of(base + "/hook", "https://" + this.images + "/hook", "HTTP://" + this.images + "/h",
				"http://127.0.0.1:1/hook", "http://[::1]:1/hook", "ftp://127.0.0.1/", "javascript:alert(1)", "", " ",
				"hook", "/relative/hook", "http://", "http:///hook", "http://127.0.0.1:99999/hook",
				"http://127.0.0.1:0/hook", "http://[::1", "http://127.0.0.1:65536/", "http://127.0.0.1:99999999999/",
				"mailto:x@y", "data:text/plain,x", "http://user@127.0.0.1:1/", "http://127.0.0.1:1/\u0000",
				"http://[::ffff:127.0.0.1]:1/", base + "/" + "a".repeat(3000), "http://exa mple/"));
	}

	private String events() {
		int count = this.r.nextInt(4);
		List<String> items = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			items.add(switch (this.r.nextInt(4)) {
				case 0, 1 -> quote(pick(EVENTS));
				case 2 -> quote(pick(List.of("job.unknown", "", "JOB.FAILED", "job.failed ", "job.*")));
				default -> value(1);
			});
		}
		return "[" + String.join(",", items) + "]";
	}

	// Random values ---------------------------------------------------------------

	/** Any JSON value. */
	String value(int depth) {
		return switch (this.r.nextInt((depth > 2) ? 7 : 9)) {
			case 0 -> "null";
			case 1 -> this.r.nextBoolean() ? "true" : "false";
			case 2 -> pick(NUMBERS);
			case 3 -> quote(text(this.r.nextInt(20)));
			case 4 -> quote(pick(HOSTILE_STRINGS));
			case 5 -> this.r.nextBoolean() ? "[]" : "{}";
			case 6 -> quote(pick(List.of("model", "input", MODEL, "job.failed")));
			case 7 -> {
				List<String> items = new ArrayList<>();
				for (int i = this.r.nextInt(4); i > 0; i--) {
					items.add(value(depth + 1));
				}
				yield "[" + String.join(",", items) + "]";
			}
			default -> {
				List<String> items = new ArrayList<>();
				for (int i = this.r.nextInt(4); i > 0; i--) {
					items.add(quote(key() + i) + ":" + value(depth + 1));
				}
				yield "{" + String.join(",", items) + "}";
			}
		};
	}

	/** A value whose JSON type is none of {@code types}. */
	private String valueExcept(String... types) {
		List<String> allowed = List.of(types);
		while (true) {
			String value = value(0);
			if (!allowed.contains(typeOf(value))) {
				return value;
			}
		}
	}

	private static String typeOf(String value) {
		char first = value.charAt(0);
		return switch (first) {
			case 'n' -> "null";
			case 't', 'f' -> "boolean";
			case '"' -> "string";
			case '[' -> "array";
			case '{' -> "object";
			default -> "number";
		};
	}

	private String key() {
		return "x" + text(this.r.nextInt(10), false);
	}

	/**
	 * Random text: letters, control characters, lone surrogates, emoji, characters JSON
	 * must escape. Never a {@code ':'}, so it can never be a URL with a scheme.
	 */
	String text(int length) {
		return text(length, true);
	}

	/**
	 * Random text; without lone surrogates, which the JSON parser refuses in names.
	 */
	String text(int length, boolean loneSurrogates) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			switch (this.r.nextInt(10)) {
				case 0 -> text.append((char) this.r.nextInt(0x20));
				case 1 -> {
					if (loneSurrogates) {
						text.append((char) (0xD800 + this.r.nextInt(0x800)));
					}
				}
				case 2 -> text.appendCodePoint(0x1F600 + this.r.nextInt(80));
				case 3 -> text.append(pick(List.of("\"", "\\", "/", "\u2028", "\u2029", "\ufeff", "\uffff", "\u202e",
						"\u0085", "{", "}", "[", "]", ",", "\u007f")));
				case 4 -> text.append((char) (0x80 + this.r.nextInt(0xD800 - 0x80)));
				case 5 -> text.append(' ');
				default -> text.append((char) ('a' + this.r.nextInt(26)));
			}
		}
		return text.toString().replace(':', '_');
	}

	private <T> T pick(List<T> values) {
		return values.get(this.r.nextInt(values.size()));
	}

}
