package io.genjobs.gateway.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Outputs in an S3-compatible bucket (AWS S3, MinIO, R2, GCS interop), for several
 * instances. The SDK's sync client over the JDK's URL connection (no Netty or CRT of the
 * SDK's own).
 * <p>
 * Downloads have no length the store could be told up front (many servers send none, and
 * the count is checked as the bytes come), so a file is uploaded in parts of
 * {@value #PART_SIZE} bytes (a multipart upload, which S3 makes visible all at once when
 * it completes, and which is aborted on failure); a file smaller than one part is one
 * plain {@code PutObject}. One part's buffer is all the memory a copy holds, and no local
 * disk is needed. Reads are redirected to presigned {@code GET} URLs: the bytes go from
 * the store to the client, not through the gateway.
 * <p>
 * Checksums are sent and checked only where the API requires them: several S3-compatible
 * stores refuse the SDK's default trailing checksums. (The gateway computes the SHA-256
 * of every file itself.)
 */
final class S3OutputStore implements OutputStore {

	/** A part of a multipart upload: S3's smallest part is 5 MiB (the last aside). */
	static final int PART_SIZE = 8 * 1024 * 1024;

	private static final int DELETE_BATCH = 1000;

	private final S3Client s3;

	private final S3Presigner presigner;

	private final String bucket;

	private final String prefix;

	private S3OutputStore(S3Client s3, S3Presigner presigner, String bucket, String prefix) {
		this.s3 = s3;
		this.presigner = presigner;
		this.bucket = bucket;
		this.prefix = prefix;
	}

	static S3OutputStore create(StorageSettings.S3 settings) {
		if (settings.bucket() == null || settings.bucket().isBlank()) {
			throw new IllegalStateException("gateway.storage.s3.bucket must be set when gateway.storage.type is s3");
		}
		boolean regionSet = settings.region() != null && !settings.region().isBlank();
		Region region = Region.of(regionSet ? settings.region() : "us-east-1");
		S3Configuration configuration = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
		DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
		S3ClientBuilder client = S3Client.builder()
			.region(region)
			.credentialsProvider(credentials)
			.serviceConfiguration(configuration)
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
			.httpClientBuilder(UrlConnectionHttpClient.builder());
		S3Presigner.Builder presigner = S3Presigner.builder()
			.region(region)
			.credentialsProvider(credentials)
			.serviceConfiguration(configuration);
		if (isSet(settings.endpoint())) {
			client.endpointOverride(settings.endpoint());
			presigner.endpointOverride(settings.endpoint());
		}
		if (isSet(settings.publicEndpoint())) {
			presigner.endpointOverride(settings.publicEndpoint());
		}
		return new S3OutputStore(client.build(), presigner.build(), settings.bucket(), settings.prefix());
	}

	private static boolean isSet(URI uri) {
		return uri != null && !uri.toString().isBlank();
	}

	@Override
	public void put(String key, InputStream content, String contentType) throws IOException {
		String objectKey = this.prefix + key;
		byte[] buffer = new byte[PART_SIZE];
		int filled = content.readNBytes(buffer, 0, PART_SIZE);
		if (filled < PART_SIZE) {
			this.s3.putObject((put) -> put.bucket(this.bucket).key(objectKey).contentType(contentType),
					body(buffer, filled));
			return;
		}
		String uploadId = this.s3
			.createMultipartUpload((create) -> create.bucket(this.bucket).key(objectKey).contentType(contentType))
			.uploadId();
		try {
			List<CompletedPart> parts = new ArrayList<>();
			while (filled > 0) {
				int number = parts.size() + 1;
				String eTag = this.s3
					.uploadPart((part) -> part.bucket(this.bucket).key(objectKey).uploadId(uploadId).partNumber(number),
							body(buffer, filled))
					.eTag();
				parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
				filled = content.readNBytes(buffer, 0, PART_SIZE);
			}
			this.s3.completeMultipartUpload((complete) -> complete.bucket(this.bucket)
				.key(objectKey)
				.uploadId(uploadId)
				.multipartUpload((upload) -> upload.parts(parts)));
		}
		catch (IOException | RuntimeException ex) {
			try {
				this.s3.abortMultipartUpload((abort) -> abort.bucket(this.bucket).key(objectKey).uploadId(uploadId));
			}
			catch (RuntimeException abortFailed) {
				ex.addSuppressed(abortFailed);
			}
			throw ex;
		}
	}

	private static RequestBody body(byte[] buffer, int length) {
		return RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length);
	}

	@Override
	public void delete(List<String> keys) throws IOException {
		for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
			List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))
				.stream()
				.map((key) -> ObjectIdentifier.builder().key(this.prefix + key).build())
				.toList();
			try {
				this.s3
					.deleteObjects((delete) -> delete.bucket(this.bucket).delete((d) -> d.objects(batch).quiet(true)));
			}
			catch (S3Exception ex) {
				throw new IOException("Could not delete outputs from bucket " + this.bucket + ": " + ex.getMessage(),
						ex);
			}
		}
	}

	@Override
	public void check() throws IOException {
		try {
			this.s3.headBucket((head) -> head.bucket(this.bucket));
		}
		catch (RuntimeException ex) {
			throw new IOException("Bucket " + this.bucket + " cannot be reached: " + ex.getMessage(), ex);
		}
	}

	@Override
	public Served serve(String key, String contentType, Duration linkTtl) {
		String url = this.presigner.presignGetObject((presign) -> presign.signatureDuration(linkTtl)
			.getObjectRequest((get) -> get.bucket(this.bucket).key(this.prefix + key).responseContentType(contentType)))
			.url()
			.toString();
		return new Redirect(url);
	}

	@Override
	public String describe() {
		return "s3 bucket " + this.bucket;
	}

	void close() {
		this.s3.close();
		this.presigner.close();
	}

}
