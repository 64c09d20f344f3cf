package io.genjobs.gateway.common.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestParametersTests {

	@Test
	void limitIsAnIntegerFromOneToTheMaximum() {
		assertThat(RequestParameters.limit(null)).isEqualTo(20);
		assertThat(RequestParameters.limit("1")).isEqualTo(1);
		assertThat(RequestParameters.limit("100")).isEqualTo(100);
		for (String bad : List.of("0", "101", "-1", "1.5", "", "abc", "99999999999999999999", "\u0661")) {
			assertThatThrownBy(() -> RequestParameters.limit(bad)).isInstanceOf(InvalidParameterException.class)
				.hasMessageContaining("limit");
		}
	}

	@Test
	void anIdThatIsNotACanonicalUuidIsNotFound() {
		UUID id = UUID.randomUUID();
		assertThat(RequestParameters.id(id.toString(), IllegalStateException::new)).isEqualTo(id);
		for (String bad : List.of("x", "1-1-1-1-1", "", id + "0")) {
			assertThatThrownBy(() -> RequestParameters.id(bad, IllegalStateException::new))
				.isInstanceOf(IllegalStateException.class);
		}
		assertThatThrownBy(() -> RequestParameters.uuid("1-1-1-1-1", "job_id", "a job id"))
			.isInstanceOf(InvalidParameterException.class);
		assertThat(RequestParameters.uuid(null, "job_id", "a job id")).isNull();
	}

	@Test
	void aKeysetPageHasACursorOnlyWhenMoreWereFound() {
		Instant at = Instant.parse("2026-01-01T00:00:00Z");
		List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
		KeysetPage<UUID> full = KeysetPage.of(ids, 2, (id) -> new PageCursor(at, id));
		assertThat(full.data()).containsExactly(ids.get(0), ids.get(1));
		assertThat(PageCursor.decode(full.nextCursor())).isEqualTo(new PageCursor(at, ids.get(1)));
		KeysetPage<UUID> last = KeysetPage.of(ids, 3, (id) -> new PageCursor(at, id));
		assertThat(last.data()).hasSize(3);
		assertThat(last.nextCursor()).isNull();
		assertThat(full.map(UUID::toString).data()).containsExactly(ids.get(0).toString(), ids.get(1).toString());
	}

	@Test
	void aCursorDecodesOnlyAsEncodeWroteIt() {
		PageCursor issued = new PageCursor(Instant.parse("2026-01-01T00:00:00.123456Z"), UUID.randomUUID());
		assertThat(PageCursor.decode(issued.encode())).isEqualTo(issued);
		String id = issued.id().toString();
		for (String plain : List.of("-1." + id, Long.MAX_VALUE + "." + id, Long.MIN_VALUE + "." + id,
				"253402300800000000." + id, "+1." + id, "01." + id, "1." + id.toUpperCase(), "1." + id + ".",
				"1" + id)) {
			String forged = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
			assertThatThrownBy(() -> PageCursor.decode(forged)).as(plain)
				.isInstanceOf(InvalidParameterException.class)
				.hasMessageContaining("cursor");
		}
		assertThatThrownBy(() -> PageCursor.decode(issued.encode() + "="))
			.isInstanceOf(InvalidParameterException.class);
	}

}
