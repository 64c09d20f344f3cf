package io.genjobs.gateway.support.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One generated request: its case seed says everything needed to replay it.
 * <p>
 * A run's cases come from {@link #fromSystemProperties}: by default half from a fixed
 * seed and half from a random one; {@code -Dfuzz.seed=<seed>} replays a run,
 * {@code -Dfuzz.case=<case seed>} replays one case, {@code -Dfuzz.iterations=<n>} sets
 * the number of cases.
 *
 * @param runSeed the seed of the run the case belongs to (0 when replayed alone)
 * @param caseSeed the seed its request is generated from
 */
public record FuzzCase(long runSeed, long caseSeed) {

	/** How to replay this case, for a failure message. */
	public String replay() {
		return "case " + this.caseSeed + " (-Dfuzz.case=" + this.caseSeed + ", run -Dfuzz.seed=" + this.runSeed + ")";
	}

	/** The cases of this run, as the {@code fuzz.*} system properties ask. */
	public static List<FuzzCase> fromSystemProperties(long defaultSeed, int defaultIterations) {
		String only = System.getProperty("fuzz.case");
		if (only != null && !only.isBlank()) {
			return List.of(new FuzzCase(0, Long.decode(only.strip())));
		}
		int iterations = Integer.getInteger("fuzz.iterations", defaultIterations);
		String given = System.getProperty("fuzz.seed");
		List<Long> runSeeds = (given != null && !given.isBlank()) ? List.of(Long.decode(given.strip()))
				: List.of(defaultSeed, ThreadLocalRandom.current().nextLong());
		List<FuzzCase> cases = new ArrayList<>();
		for (int s = 0; s < runSeeds.size(); s++) {
			long runSeed = runSeeds.get(s);
			int share = iterations / runSeeds.size() + ((s < iterations % runSeeds.size()) ? 1 : 0);
			for (int i = 0; i < share; i++) {
				cases.add(new FuzzCase(runSeed, mix(runSeed + i * 0x9E3779B97F4A7C15L)));
			}
		}
		return cases;
	}

	/** SplitMix64's finaliser: neighbouring indexes give unrelated case seeds. */
	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

}
