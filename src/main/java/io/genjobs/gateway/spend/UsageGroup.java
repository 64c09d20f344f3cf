package io.genjobs.gateway.spend;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import io.genjobs.gateway.common.web.InvalidParameterException;

/**
 * What a usage report's rows are grouped by ({@code group_by}): each grouping adds its
 * member to every row. Rows are ordered by the groupings in this order.
 */
enum UsageGroup {

	/** The UTC day the cost was booked on. */
	DAY("day"),

	/** The team (admin reports only). */
	TEAM("team"),

	/** The model the job ran. */
	MODEL("model");

	private final String wireName;

	UsageGroup(String wireName) {
		this.wireName = wireName;
	}

	String wireName() {
		return this.wireName;
	}

	/**
	 * The groupings of a comma-separated {@code group_by} ({@code model,day}); none when
	 * absent. {@code team} only where {@code allowed} has it; anything else is
	 * {@code 400 invalid-parameter}.
	 */
	static Set<UsageGroup> parse(@Nullable String groupBy, Set<UsageGroup> allowed) {
		Set<UsageGroup> groups = EnumSet.noneOf(UsageGroup.class);
		if (groupBy == null) {
			return groups;
		}
		for (String name : groupBy.split(",", -1)) {
			UsageGroup group = byWireName(name.strip());
			if (group == null || !allowed.contains(group)) {
				throw new InvalidParameterException("group_by", "must be a comma-separated list of "
						+ allowed.stream().map(UsageGroup::wireName).collect(Collectors.joining(", ")));
			}
			groups.add(group);
		}
		return groups;
	}

	private static @Nullable UsageGroup byWireName(String name) {
		for (UsageGroup group : values()) {
			if (group.wireName.equals(name)) {
				return group;
			}
		}
		return null;
	}

}
