package io.genjobs.gateway.common.web;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

/**
 * One page of a keyset listing: the entries, and the cursor after the last one when there
 * are more. A listing reads {@code limit + 1} rows; the extra row only says that another
 * page exists. A page is also bounded in bytes: entries stop once the next would take the
 * page past its byte budget (the first is always taken), and the cursor then names the
 * last entry taken, so the client reads on from there.
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

	/**
	 * The page from {@code found} as {@link #of(List, int, Function)}, ending early once
	 * the entries' sizes ({@code bytesOf}, an estimate of each entry's JSON) pass
	 * {@code maxBytes}.
	 */
	public static <T> KeysetPage<T> of(List<T> found, int limit, Function<T, PageCursor> cursorOf,
			ToLongFunction<T> bytesOf, long maxBytes) {
		long bytes = 0;
		int fits = 0;
		for (T entry : found.subList(0, Math.min(limit, found.size()))) {
			bytes += bytesOf.applyAsLong(entry);
			if (fits > 0 && bytes > maxBytes) {
				break;
			}
			fits++;
		}
		if (fits == found.size()) {
			return new KeysetPage<>(found, null);
		}
		List<T> page = List.copyOf(found.subList(0, fits));
		return new KeysetPage<>(page, cursorOf.apply(page.get(page.size() - 1)).encode());
	}

	/** The same page with each entry mapped. */
	public <R> KeysetPage<R> map(Function<T, R> mapper) {
		return new KeysetPage<>(this.data.stream().map(mapper).toList(), this.nextCursor);
	}

}
