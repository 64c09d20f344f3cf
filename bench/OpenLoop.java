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
		int total = (int) Math.round(rate * seconds);
		long[] latencies = new long[total];
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
			for (int i = 0; i < total; i++) {
				long due = start + i * interval;
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				maxLateNanos.accumulateAndGet(-wait, Math::max);
				int index = i;
				executor.execute(() -> {
					try {
						HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() / 100 != 2) {
							non2xx.incrementAndGet();
						}
					}
					catch (Exception ex) {
						errors.incrementAndGet();
					}
					finally {
						latencies[index] = System.nanoTime() - due;
						done.countDown();
					}
				});
			}
			done.await(60, TimeUnit.SECONDS);
		}
		long[] sorted = latencies.clone();
		Arrays.sort(sorted);
		System.out.printf(
				"RESULT rate=%.1f requests=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f non_2xx=%d errors=%d max_send_late_ms=%.2f%n",
				rate, total, ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
				ms(percentile(sorted, 99.9)), ms(sorted[sorted.length - 1]), non2xx.get(), errors.get(),
				ms(maxLateNanos.get()));
	}

	private static long percentile(long[] sorted, double p) {
		int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static double ms(long nanos) {
		return nanos / 1e6;
	}

}
