import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator for bench/http.sh: sends POST requests at a fixed rate on a
 * schedule fixed in advance (request i is due at start + i / rate), whatever the answers
 * do, and measures each latency from the time the request was due, not from when it was
 * sent. A slow answer therefore cannot hold back the requests behind it (as in a
 * closed-loop tool such as wrk, whose connections wait for their answer before sending
 * again: "coordinated omission"), and a late send (the client itself stalled, e.g. by the
 * CPU) counts against the server's latency rather than being hidden. Requests go out on
 * virtual threads over the JDK's HTTP/1.1 client, which opens connections as needed.
 *
 * <p>
 * The first {@code -Dwarmup=SECONDS} (default 5) run at the same rate and are not counted:
 * this client starts cold (its own JIT, its connections), and its first second would
 * otherwise be measured as the server's. With {@code -Dslow.file=PATH} it writes the
 * requests slower than the p99 (due time as epoch milliseconds, latency) to PATH, to set
 * beside a GC log of the server. It also counts, over every request sent (warm-up
 * included, as a server's own request metrics would), those slower than 25 ms and 50 ms,
 * to set beside the server's count of the same.
 *
 * <p>
 * Run as a source file: {@code java bench/OpenLoop.java URL RATE SECONDS BODY [AUTHORIZATION]}.
 * Prints one {@code RESULT} line; latencies in milliseconds.
 */
public class OpenLoop {

	public static void main(String[] args) throws Exception {
		URI uri = URI.create(args[0]);
		double rate = Double.parseDouble(args[1]);
		double seconds = Double.parseDouble(args[2]);
		String body = args[3];
		String authorization = (args.length > 4) ? args[4] : null;
		int warmup = (int) Math.round(rate * Double.parseDouble(System.getProperty("warmup", "5")));
		int total = warmup + (int) Math.round(rate * seconds);
		long[] latencies = new long[total];
		long[] dueEpochMillis = new long[total];
		AtomicInteger errors = new AtomicInteger();
		AtomicInteger non2xx = new AtomicInteger();
		AtomicLong maxLateNanos = new AtomicLong();
		CountDownLatch done = new CountDownLatch(total);
		try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.executor(executor)
				.build();
			HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			if (authorization != null) {
				builder.header("Authorization", authorization);
			}
			HttpRequest request = builder.build();
			long interval = Math.round(1e9 / rate);
			long start = System.nanoTime() + 50_000_000;
			long epochOffset = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
			for (int i = 0; i < total; i++) {
				long due = start + i * interval;
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				if (i >= warmup) {
					maxLateNanos.accumulateAndGet(-wait, Math::max);
				}
				int index = i;
				dueEpochMillis[i] = epochOffset + due / 1_000_000;
				executor.execute(() -> {
					try {
						HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() / 100 != 2 && index >= warmup) {
							non2xx.incrementAndGet();
						}
					}
					catch (Exception ex) {
						if (index >= warmup) {
							errors.incrementAndGet();
						}
					}
					finally {
						latencies[index] = System.nanoTime() - due;
						done.countDown();
					}
				});
			}
			done.await(60, TimeUnit.SECONDS);
		}
		long[] sorted = Arrays.copyOfRange(latencies, warmup, total);
		Arrays.sort(sorted);
		long over25 = Arrays.stream(latencies).filter((latency) -> latency > 25_000_000).count();
		long over50 = Arrays.stream(latencies).filter((latency) -> latency > 50_000_000).count();
		String slowFile = System.getProperty("slow.file");
		if (slowFile != null) {
			long p99 = percentile(sorted, 99);
			StringBuilder slow = new StringBuilder();
			for (int i = warmup; i < total; i++) {
				if (latencies[i] > p99) {
					slow.append(dueEpochMillis[i]).append(' ').append(String.format("%.2f", ms(latencies[i]))).append('\n');
				}
			}
			java.nio.file.Files.writeString(java.nio.file.Path.of(slowFile), slow);
		}
		System.out.printf(
				"RESULT rate=%.1f requests=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f non_2xx=%d errors=%d max_send_late_ms=%.2f all_requests=%d all_over_25ms=%d all_over_50ms=%d%n",
				rate, sorted.length, ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
				ms(percentile(sorted, 99.9)), ms(sorted[sorted.length - 1]), non2xx.get(), errors.get(),
				ms(maxLateNanos.get()), total, over25, over50);
	}

	private static long percentile(long[] sorted, double p) {
		int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static double ms(long nanos) {
		return nanos / 1e6;
	}

}
