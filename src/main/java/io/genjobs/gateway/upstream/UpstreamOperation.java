package io.genjobs.gateway.upstream;

import java.util.Locale;

/** The four calls of RunComfy's Model API. */
public enum UpstreamOperation {

	SUBMIT, STATUS, RESULT, CANCEL;

	/** Lower-case name, as used in messages and metric tags. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
