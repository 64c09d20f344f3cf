package io.genjobs.gateway.upstream.simulator;

import java.time.Instant;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.http.HttpHeaders;

import io.genjobs.gateway.upstream.simulator.SimulatedJob.Fate;
import io.genjobs.gateway.upstream.simulator.SimulatedJob.Phase;

/**
 * The files the simulator serves besides the API: the outputs of each job that succeeded
 * (at the URLs its result names: a video, images or an audio file, by its model's kind)
 * and the sample input image.
 */
final class SimulatorDownloads {

	static final String OUTPUTS_PATH = "/outputs/";

	// The smallest MP4 a player recognises as one: an 'ftyp' box and nothing else.
	private static final byte[] SAMPLE_VIDEO = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0, 'm',
			'p', '4', '2', 'i', 's', 'o', 'm' };

	private final SimulatorJobs jobs;

	SimulatorDownloads(SimulatorJobs jobs) {
		this.jobs = jobs;
	}

	// The smallest WAV file: a RIFF/WAVE header, 8 kHz mono 8-bit, a tenth of a second
	// of silence.
	private static final byte[] SAMPLE_AUDIO = wav(800);

	/** Where output {@code n} of a succeeded job is served. */
	static String outputUrl(String baseUrl, SimulatedJob job, int n) {
		String name = (n == 0) ? job.id() : job.id() + "-" + n;
		return baseUrl + OUTPUTS_PATH + name + extension(job.output().kind());
	}

	/** Where the (first) output of a succeeded video job is served. */
	static String outputUrl(String baseUrl, String requestId) {
		return baseUrl + OUTPUTS_PATH + requestId + ".mp4";
	}

	/** Serves {@code /outputs/{file}}: a succeeded job's output, else a 404. */
	Mono<Void> output(String file, HttpServerResponse response) {
		int dot = file.lastIndexOf('.');
		String name = (dot > 0) ? file.substring(0, dot) : file;
		int dash = name.indexOf('-', Math.max(0, name.length() - 3));
		String id = (dash > 0) ? name.substring(0, dash) : name;
		SimulatedJob job = this.jobs.find(id);
		if (job == null) {
			job = this.jobs.find(name);
		}
		if (job == null || job.phase(Instant.now()) != Phase.DONE || job.fate() != Fate.SUCCEED) {
			return SimulatorAnswer.error(404, RunComfySimulator.NO_SUCH_ENDPOINT, "No such output: " + file)
				.sendTo(response);
		}
		return switch (job.output().kind()) {
			case IMAGE -> send(response, "image/jpeg", SampleImage.JPEG.get());
			case AUDIO -> send(response, "audio/wav", SAMPLE_AUDIO);
			case VIDEO -> send(response, "video/mp4", SAMPLE_VIDEO);
		};
	}

	private static String extension(SimulatorCatalog.OutputKind kind) {
		return switch (kind) {
			case IMAGE -> ".jpg";
			case AUDIO -> ".wav";
			case VIDEO -> ".mp4";
		};
	}

	private static byte[] wav(int samples) {
		java.nio.ByteBuffer wav = java.nio.ByteBuffer.allocate(44 + samples).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		wav.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + samples);
		wav.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
		wav.putShort((short) 1).putShort((short) 1).putInt(8000).putInt(8000).putShort((short) 1).putShort((short) 8);
		wav.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(samples);
		for (int i = 0; i < samples; i++) {
			wav.put((byte) 0x80);
		}
		return wav.array();
	}

	/** Serves {@value RunComfySimulator#SAMPLE_INPUT_PATH}. */
	Mono<Void> sampleInput(HttpServerResponse response) {
		return send(response, "image/jpeg", SampleImage.JPEG.get());
	}

	private static Mono<Void> send(HttpServerResponse response, String contentType, byte[] bytes) {
		return response.status(HttpResponseStatus.OK)
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

}
