package io.genjobs.gateway.support.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A JSON object written out as text only at the end, so it can be broken first: any
 * member order, duplicate names, raw values.
 */
final class RawJsonObject {

	final List<Member> members = new ArrayList<>();

	/** Sets a member (the first of that name), or adds it. */
	RawJsonObject put(String name, Object value) {
		String key = quote(name);
		for (Member member : this.members) {
			if (member.key.equals(key)) {
				member.value = value;
				return this;
			}
		}
		this.members.add(new Member(key, value));
		return this;
	}

	void remove(String name) {
		this.members.removeIf((member) -> member.key.equals(quote(name)));
	}

	RawJsonObject input() {
		for (Member member : this.members) {
			if (member.key.equals("\"input\"") && member.value instanceof RawJsonObject input) {
				return input;
			}
		}
		return null;
	}

	void dropOne(Random r) {
		if (!this.members.isEmpty()) {
			this.members.remove(r.nextInt(this.members.size()));
		}
	}

	void duplicate(Random r, String value) {
		if (!this.members.isEmpty()) {
			Member member = this.members.get(r.nextInt(this.members.size()));
			this.members.add(r.nextInt(this.members.size() + 1),
					new Member(member.key, (value != null) ? value : member.value));
		}
	}

	void replaceOne(Random r, String value) {
		if (!this.members.isEmpty()) {
			this.members.get(r.nextInt(this.members.size())).value = value;
		}
	}

	void renameOne(Random r, String name) {
		if (!this.members.isEmpty()) {
			this.members.get(r.nextInt(this.members.size())).key = quote(name);
		}
	}

	String render(Random r) {
		String space = (r.nextInt(4) == 0) ? pick(r, " ", "\n", "\t", "\r\n  ") : "";
		StringBuilder text = new StringBuilder("{").append(space);
		for (int i = 0; i < this.members.size(); i++) {
			Member member = this.members.get(i);
			if (i > 0) {
				text.append(',').append(space);
			}
			text.append(member.key).append(':').append(space);
			text.append((member.value instanceof RawJsonObject obj) ? obj.render(r) : member.value);
		}
		return text.append(space).append('}').toString();
	}

	private static String pick(Random r, String... values) {
		return values[r.nextInt(values.length)];
	}

	/**
	 * A JSON string literal. Control characters and lone surrogates are written as JSON
	 * escapes, so the text stays valid UTF-8 and the decoded string holds them.
	 */
	static String quote(String value) {
		StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < value.length()
					&& Character.isLowSurrogate(value.charAt(i + 1))) {
				quoted.append(c).append(value.charAt(++i));
			}
			else if (Character.isSurrogate(c)) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

	/** A member: a raw JSON key and a raw JSON value or a {@link RawJsonObject}. */
	static final class Member {

		String key;

		Object value;

		Member(String key, Object value) {
			this.key = key;
			this.value = value;
		}

	}

}
