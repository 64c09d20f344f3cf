package io.genjobs.gateway.spend;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * How a usage report is answered: JSON unless the request's {@code Accept} prefers CSV.
 * Each type's quality is that of the most specific range in {@code Accept} that includes
 * it (RFC 9110, section 12.5.1); CSV wins with a higher quality, or with the same one
 * where CSV is named more specifically than JSON: {@code text/csv}, {@code text/*} and
 * {@code text/csv, *}{@code /*} get CSV, while no {@code Accept}, {@code *}{@code /*} or
 * {@code application/json, text/csv} get JSON. (The route's {@code produces} has already
 * answered {@code 406} to an {@code Accept} that takes neither.)
 */
enum UsageFormat {

	JSON(MediaType.APPLICATION_JSON),

	CSV(new MediaType("text", "csv", StandardCharsets.UTF_8));

	/** The media types a report route produces, for its {@code produces}. */
	static final String JSON_VALUE = MediaType.APPLICATION_JSON_VALUE;

	static final String CSV_VALUE = "text/csv";

	private final MediaType contentType;

	UsageFormat(MediaType contentType) {
		this.contentType = contentType;
	}

	MediaType contentType() {
		return this.contentType;
	}

	/**
	 * The report in the format the request asks for, with {@code Vary: Accept} (the
	 * answer depends on it).
	 */
	static ResponseEntity<Object> answer(UsageReport report, Set<UsageGroup> groups, ServerHttpRequest request) {
		UsageFormat format = of(accept(request));
		Object body = (format == CSV) ? UsageCsv.of(report, groups) : report;
		return ResponseEntity.ok()
			.contentType(format.contentType)
			.header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
			.body(body);
	}

	private static List<MediaType> accept(ServerHttpRequest request) {
		try {
			return request.getHeaders().getAccept();
		}
		catch (InvalidMediaTypeException ex) {
			return List.of();
		}
	}

	static UsageFormat of(List<MediaType> accept) {
		Match csv = match(accept, CSV.contentType);
		Match json = match(accept, JSON.contentType);
		int byQuality = Double.compare(csv.quality(), json.quality());
		boolean csvWins = byQuality > 0
				|| (byQuality == 0 && csv.quality() > 0 && csv.specificity() > json.specificity());
		return csvWins ? CSV : JSON;
	}

	/**
	 * The quality and specificity (2 {@code type/subtype}, 1 {@code type/*}, 0
	 * {@code *}{@code /*}, -1 none) of the most specific range that includes the type.
	 */
	private static Match match(List<MediaType> accept, MediaType type) {
		if (accept.isEmpty()) {
			return new Match(1, -1);
		}
		Match best = new Match(0, -1);
		for (MediaType range : accept) {
			int specificity = range.isWildcardType() ? 0 : (range.isWildcardSubtype() ? 1 : 2);
			if (range.includes(type) && specificity > best.specificity()) {
				best = new Match(range.getQualityValue(), specificity);
			}
		}
		return best;
	}

	private record Match(double quality, int specificity) {
	}

}
