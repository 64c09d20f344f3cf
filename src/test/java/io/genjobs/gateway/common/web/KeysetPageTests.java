package io.genjobs.gateway.common.web;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeysetPageTests {

	private final List<Entry> entries = IntStream.range(0, 10)
		.mapToObj((i) -> new Entry(new UUID(0, i), Instant.ofEpochSecond(1_000 - i), 100))
		.toList();

	@Test
	void takesAtMostLimitEntriesAndNamesTheLastWhenThereAreMore() {
		KeysetPage<Entry> page = KeysetPage.of(this.entries.subList(0, 4), 3, Entry::cursor);
		assertThat(page.data()).containsExactlyElementsOf(this.entries.subList(0, 3));
		assertThat(PageCursor.decode(page.nextCursor())).isEqualTo(this.entries.get(2).cursor());
		assertThat(KeysetPage.of(this.entries.subList(0, 3), 3, Entry::cursor).nextCursor()).isNull();
	}

	@Test
	void endsThePageEarlyOnceTheByteBudgetIsSpent() {
		KeysetPage<Entry> page = KeysetPage.of(this.entries, 9, Entry::cursor, Entry::bytes, 350);
		assertThat(page.data()).containsExactlyElementsOf(this.entries.subList(0, 3));
		assertThat(PageCursor.decode(page.nextCursor())).isEqualTo(this.entries.get(2).cursor());
	}

	@Test
	void alwaysTakesTheFirstEntryWhateverItsSize() {
		List<Entry> huge = List.of(new Entry(new UUID(0, 1), Instant.ofEpochSecond(5), 10_000),
				new Entry(new UUID(0, 2), Instant.ofEpochSecond(4), 10));
		KeysetPage<Entry> page = KeysetPage.of(huge, 5, Entry::cursor, Entry::bytes, 100);
		assertThat(page.data()).containsExactly(huge.get(0));
		assertThat(PageCursor.decode(page.nextCursor())).isEqualTo(huge.get(0).cursor());
	}

	@Test
	void aPageWithinBothBoundsIsTheLast() {
		KeysetPage<Entry> page = KeysetPage.of(this.entries.subList(0, 5), 5, Entry::cursor, Entry::bytes, 10_000);
		assertThat(page.data()).hasSize(5);
		assertThat(page.nextCursor()).isNull();
		KeysetPage<Entry> full = KeysetPage.of(this.entries.subList(0, 6), 5, Entry::cursor, Entry::bytes, 10_000);
		assertThat(full.data()).hasSize(5);
		assertThat(PageCursor.decode(full.nextCursor())).isEqualTo(this.entries.get(4).cursor());
	}

	record Entry(UUID id, Instant createdAt, long bytes) {

		PageCursor cursor() {
			return new PageCursor(this.createdAt, this.id);
		}

	}

}
