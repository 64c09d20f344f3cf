package io.genjobs.gateway.storage;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The storage feature's metrics, named in one place: {@code gateway_storage_copies_total}
 * by {@code outcome} ({@code copied}, {@code retried}, {@code not_copied}),
 * {@code gateway_storage_copy_duration_seconds} by outcome, {@code
 * gateway_storage_copied_bytes_total}, {@code gateway_storage_stored_bytes} (all files in
 * the store, as of the last look), {@code gateway_storage_deleted_files_total}.
 */
final class StorageMetrics {

	private final MeterRegistry meters;

	private final Counter copiedBytes;

	private final Counter deletedFiles;

	private final AtomicLong storedBytes = new AtomicLong();

	StorageMetrics(MeterRegistry meters) {
		this.meters = meters;
		this.copiedBytes = Counter.builder("gateway.storage.copied.bytes")
			.description("Bytes of output files copied into the store")
			.baseUnit("bytes")
			.register(meters);
		this.deletedFiles = Counter.builder("gateway.storage.deleted.files")
			.description("Output files deleted by retention")
			.register(meters);
		Gauge.builder("gateway.storage.stored.bytes", this.storedBytes, AtomicLong::get)
			.description("Bytes of all output files in the store")
			.baseUnit("bytes")
			.register(meters);
		for (String outcome : new String[] { "copied", "retried", "not_copied" }) {
			copies(outcome);
			timer(outcome);
		}
	}

	void attempt(String outcome, Duration took, long bytes) {
		copies(outcome).increment();
		timer(outcome).record(took);
		this.copiedBytes.increment(bytes);
	}

	void deleted(int files) {
		this.deletedFiles.increment(files);
	}

	void storedBytes(long bytes) {
		this.storedBytes.set(bytes);
	}

	private Counter copies(String outcome) {
		return Counter.builder("gateway.storage.copies")
			.description("Attempts at copying a job's output files, by outcome")
			.tag("outcome", outcome)
			.register(this.meters);
	}

	private Timer timer(String outcome) {
		return Timer.builder("gateway.storage.copy.duration")
			.description("How long copying a job's output files took, by outcome")
			.tag("outcome", outcome)
			.register(this.meters);
	}

}
