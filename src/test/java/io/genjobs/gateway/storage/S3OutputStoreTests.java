package io.genjobs.gateway.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The S3 store against a real S3 API (S3Mock as its own process over HTTP on loopback):
 * small files in one put, large ones in parts, served by presigned URLs with the right
 * content type and bytes, deleted in batches, and health that notices a missing bucket.
 */
class S3OutputStoreTests {

	private final S3MockServer server = S3MockServer.get();

	private final S3OutputStore store = S3OutputStore.create(new StorageSettings.S3(S3MockServer.BUCKET,
			URI.create(this.server.endpoint()), "us-east-1", true, "outputs/", null));

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void shouldStoreASmallFileAndServeItByAPresignedUrl() throws Exception {
		byte[] bytes = ("small " + UUID.randomUUID()).getBytes();
		String key = UUID.randomUUID() + "/0";

		this.store.put(key, new ByteArrayInputStream(bytes), "image/png");

		HttpResponse<byte[]> served = fetch(key, "image/png");
		assertThat(served.statusCode()).isEqualTo(200);
		assertThat(served.body()).isEqualTo(bytes);
		assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
	}

	@Test
	void shouldUploadALargeFileOfUnknownLengthInPartsAndDeleteIt() throws Exception {
		int size = 2 * S3OutputStore.PART_SIZE + 12345;
		byte[] bytes = new byte[size];
		new SplittableRandom(size).nextBytes(bytes);
		String key = UUID.randomUUID() + "/1";

		// A stream that hands out a few bytes at a time, as a download does.
		this.store.put(key, new TrickleStream(bytes), "video/mp4");

		HttpResponse<byte[]> served = fetch(key, "video/mp4");
		assertThat(served.statusCode()).isEqualTo(200);
		assertThat(TestOutputServer.sha256(served.body())).isEqualTo(TestOutputServer.sha256(bytes));

		this.store.delete(List.of(key));
		assertThat(fetch(key, "video/mp4").statusCode()).isEqualTo(404);
	}

	@Test
	void shouldAbortAnUploadWhoseDownloadFails() throws Exception {
		String key = UUID.randomUUID() + "/0";
		InputStream failing = new TrickleStream(new byte[S3OutputStore.PART_SIZE + 10]) {

			private long served;

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				if (this.served > S3OutputStore.PART_SIZE) {
					throw new IOException("connection reset");
				}
				int read = super.read(buffer, offset, length);
				this.served += Math.max(0, read);
				return read;
			}

		};
		assertThatIOException().isThrownBy(() -> this.store.put(key, failing, "video/mp4"))
			.withMessage("connection reset");
		assertThat(fetch(key, "video/mp4").statusCode()).isEqualTo(404);
	}

	@Test
	void shouldBeHealthyOnlyWithItsBucket() throws IOException {
		this.store.check();
		S3OutputStore missing = S3OutputStore.create(new StorageSettings.S3("no-such-bucket",
				URI.create(this.server.endpoint()), "us-east-1", true, "outputs/", null));
		assertThatIOException().isThrownBy(missing::check).withMessageContaining("no-such-bucket");
	}

	private HttpResponse<byte[]> fetch(String key, String contentType) throws Exception {
		OutputStore.Served served = this.store.serve(key, contentType, Duration.ofMinutes(5));
		assertThat(served).isInstanceOf(OutputStore.Redirect.class);
		URI url = URI.create(((OutputStore.Redirect) served).url());
		assertThat(url.getHost()).isEqualTo("127.0.0.1");
		return this.http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	/** Hands out at most 1000 bytes per read. */
	private static class TrickleStream extends InputStream {

		private final ByteArrayInputStream bytes;

		TrickleStream(byte[] bytes) {
			this.bytes = new ByteArrayInputStream(bytes);
		}

		@Override
		public int read() {
			return this.bytes.read();
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			return this.bytes.read(buffer, offset, Math.min(length, 1000));
		}

	}

}
