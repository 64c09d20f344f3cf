package io.genjobs.gateway.common.web;

import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One page of a keyset listing: the entries, and the cursor after the last one when there
 * are more. A listing reads {@code limit + 1} rows; the extra row only says that another
 * page exists.
 */
public record KeysetPage<T>(List<T> data, @Nullable String nextCursor) {

	/**
	 * The page from {@code found}, read with {@code limit + 1}: at most {@code limit}
	 * entries, and a cursor naming the last of them when {@code found} had more.
	 */
	public static <T> KeysetPage<T> of(List<T> found, int limit, Function<T, PageCursor> cursorOf) {
		if (found.size() <= limit) {
			return new KeysetPage<>(found, null);
		}
		List<T> page = List.copyOf(found.subList(0, limit));
		return new KeysetPage<>(page, cursorOf.apply(page.get(page.size() - 1)).encode());
	}

	/** The same page with each entry mapped. */
	public <R> KeysetPage<R> map(Function<T, R> mapper) {
		return new KeysetPage<>(this.data.stream().map(mapper).toList(), this.nextCursor);
	}

}
