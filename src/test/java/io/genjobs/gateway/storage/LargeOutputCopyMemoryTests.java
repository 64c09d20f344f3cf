package io.genjobs.gateway.storage;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.genjobs.gateway.job.JobOutputCopies.CopiedFile;
import io.genjobs.gateway.net.OutboundGuard;
import io.genjobs.gateway.net.OutboundSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An output larger than the heap is copied into the store through the outbound guard
 * without being held: this class runs in the {@code bounded-memory} execution
 * ({@code -Xmx256m}), where a 300 MB file held whole could not even be allocated, and the
 * heap's peak while copying stays far below the file's size.
 */
class LargeOutputCopyMemoryTests {

	private static final long SIZE = 300L * 1024 * 1024;

	@Test
	void shouldStreamAFileLargerThanTheHeapIntoTheStore(@TempDir Path root) throws Exception {
		try (TestOutputServer files = TestOutputServer.start()) {
			StorageSettings settings = new Binder(new MapConfigurationPropertySource(
					Map.of("gateway.storage.path", root.toString(), "gateway.storage.signing-key", "test")))
				.bindOrCreate("gateway.storage", StorageSettings.class);
			OutboundGuard guard = new OutboundGuard(
					new OutboundSettings(List.of(files.hostPort()), 3, Duration.ofSeconds(5)));
			AtomicLong recorded = new AtomicLong(-1);
			OutputCopier copier = new OutputCopier(new OutputDownloads(guard, Duration.ofSeconds(30)),
					new FilesystemOutputStore(root), (jobId, n, teamId, bytes) -> recorded.set(bytes), settings,
					Clock.systemUTC());
			UUID jobId = UUID.randomUUID();
			HeapPeak peak = HeapPeak.start();

			List<CopiedFile> copied = copier.copy(jobId, UUID.randomUUID(),
					"{\"video\": \"" + files.generated(SIZE) + "\"}");

			long peakBytes = peak.stop();
			assertThat(copied).singleElement().satisfies((file) -> {
				assertThat(file.bytes()).isEqualTo(SIZE);
				assertThat(file.contentType()).isEqualTo("video/mp4");
				assertThat(file.sha256()).isEqualTo(TestOutputServer.generatedSha256(SIZE));
			});
			assertThat(recorded.get()).isEqualTo(SIZE);
			assertThat(Files.size(root.resolve(StoredOutputs.key(jobId, 0)))).isEqualTo(SIZE);
			assertThat(peakBytes).as("peak heap in use while copying").isLessThan(SIZE / 2);
		}
	}

	/** Samples the heap in use every few milliseconds. */
	private static final class HeapPeak {

		private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

		private final AtomicLong peak = new AtomicLong();

		private volatile boolean running = true;

		private Thread sampler;

		static HeapPeak start() {
			System.gc();
			HeapPeak heap = new HeapPeak();
			heap.sampler = Thread.ofPlatform().daemon().start(() -> {
				while (heap.running) {
					heap.peak.accumulateAndGet(heap.memory.getHeapMemoryUsage().getUsed(), Math::max);
					try {
						Thread.sleep(5);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			});
			return heap;
		}

		long stop() throws InterruptedException {
			this.running = false;
			this.sampler.join();
			return this.peak.get();
		}

	}

}
