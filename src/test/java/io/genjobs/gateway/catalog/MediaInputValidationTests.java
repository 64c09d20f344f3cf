package io.genjobs.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.genjobs.gateway.common.web.FieldError;
import io.genjobs.gateway.media.FileDispatcher;
import io.genjobs.gateway.media.MediaInfo;
import io.genjobs.gateway.media.MediaInfo;
import io.genjobs.gateway.media.MediaProbe;
import io.genjobs.gateway.media.MediaType;
import io.genjobs.gateway.media.MediaType;
import io.genjobs.gateway.media.TestMediaBytes;
import io.genjobs.gateway.media.TestMediaProbes;

import org.springframework.util.unit.DataSize;

import static io.genjobs.gateway.catalog.ModelFiles.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Media inputs checked end to end by the validator with the real probe: files built byte
 * by byte ({@link TestMediaBytes}), served over MockWebServer on loopback under names
 * that lie about them, or sent as {@code data:} URIs; schemas as RunComfy publishes them
 * (src/test/resources/catalog-sample.json), hand-made ones, and the built-in first model.
 */
class MediaInputValidationTests {

	private static final String REFERENCE = "bytedance/seedance-2.5/reference-to-video/4k";

	@TempDir
	Path folder;

	private MockWebServer server;

	private final FileDispatcher files = new FileDispatcher(true);

	@BeforeEach
	void startServer() throws IOException {
		this.server = new MockWebServer();
		this.server.setDispatcher(this.files);
		this.server.start(InetAddress.getLoopbackAddress(), 0);
		this.files.file("/photo.png", TestMediaBytes.png(1024, 768))
			.file("/photo.webp", TestMediaBytes.webpExtended(1024, 768))
			.file("/notes.png", "just some text, not an image".getBytes(StandardCharsets.UTF_8))
			.file("/clip.mp4", TestMediaBytes.mp4(1280, 720, 2048))
			.file("/still.mp4", TestMediaBytes.png(640, 480))
			.file("/song-as-video.mp4", TestMediaBytes.mp3WithId3())
			.file("/clip.webm", TestMediaBytes.webm(640, 360))
			.file("/movie.webm", TestMediaBytes.ebmlFile("matroska", 640, 360))
			.file("/voice.wav", "RIFF? no: a text file named .wav".getBytes(StandardCharsets.UTF_8))
			.file("/song.mp3", TestMediaBytes.mp3Frame())
			.file("/song.flac", TestMediaBytes.flac())
			.file("/song.ogg", TestMediaBytes.ogg())
			.file("/song.m4a", TestMediaBytes.m4a())
			.file("/take.wav", TestMediaBytes.wav());
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void acceptsEveryKindInASyncedSchemasLists() {
		CheckedInput checked = validator(syncedModel(REFERENCE), probe()).apply(input("""
				{"prompt": "p",
				 "images": ["%s", "%s", "%s"],
				 "videos": ["%s", "%s"],
				 "audios": ["%s", "%s", "%s"]}""", url("/photo.png"), url("/photo.webp"),
				TestMediaBytes.dataUri("image/webp", TestMediaBytes.webpLossless(512, 512)), url("/clip.mp4"),
				url("/clip.webm"), url("/song.mp3"), url("/song.flac"), url("/song.ogg")));
		assertThat(checked.errors()).isEmpty();
		CheckedInput more = validator(syncedModel(REFERENCE), probe()).apply(input("""
				{"prompt": "p", "videos": ["%s"], "audios": ["%s", "%s"]}""",
				TestMediaBytes.dataUri("video/quicktime", TestMediaBytes.mov(320, 240)), url("/song.m4a"),
				url("/take.wav")));
		assertThat(more.errors()).isEmpty();
	}

	@Test
	void checksEveryItemOfEveryListAndReportsAllErrorsWithTheirPaths() {
		CheckedInput checked = validator(syncedModel(REFERENCE), probe()).apply(input("""
				{"prompt": "p",
				 "images": ["%s", "%s", "%s"],
				 "videos": ["%s", "%s", "%s"],
				 "audios": ["%s", "%s"]}""", url("/photo.png"), url("/notes.png"), url("/clip.mp4"), url("/clip.mp4"),
				url("/still.mp4"), url("/song-as-video.mp4"), url("/voice.wav"), url("/song.mp3")));
		assertThat(checked.errors()).containsExactlyInAnyOrder(
				new FieldError("input.images[1]", "image is not a JPEG, PNG or WebP"),
				new FieldError("input.images[2]", "image must be a JPEG, PNG or WebP, got MP4 (video)"),
				new FieldError("input.videos[1]", "video must be an MP4, MOV or WebM, got PNG (image)"),
				new FieldError("input.videos[2]", "video must be an MP4, MOV or WebM, got MP3 (audio)"),
				new FieldError("input.audios[0]", "audio is not an MP3, WAV, FLAC, Ogg or M4A"));
	}

	@Test
	void refusesAnEbmlFileThatIsNotWebm() {
		CheckedInput checked = validator(syncedModel(REFERENCE), probe()).apply(input("""
				{"prompt": "p", "videos": ["%s", "%s"]}""", url("/clip.webm"), url("/movie.webm")));
		assertThat(checked.errors()).containsExactly(new FieldError("input.videos[1]",
				"video is a matroska file; of the EBML formats only WebM (DocType webm) is accepted"));
	}

	@Test
	void acceptsWebpForASyncedModelButNotForTheFirstModel() {
		String webp = url("/photo.webp");
		assertThat(validator(syncedModel(REFERENCE), probe()).apply(input("""
				{"prompt": "p", "images": ["%s"], "videos": ["%s"]}""", webp, url("/clip.mp4"))).errors()).isEmpty();
		assertThat(validator(syncedModel("google/nano-banana-2-lite/edit"), probe()).apply(input("""
				{"prompt": "p", "image_urls": ["%s"]}""", webp)).errors()).isEmpty();

		InputValidator first = new InputValidator(InputValidatorTests.catalog, probe());
		CheckedInput checked = first.check(InputValidatorTests.catalog.defaultModel(), input("""
				{"prompt": "p", "image_urls": ["%s"]}""", webp));
		assertThat(checked.errors())
			.containsExactly(new FieldError("input.image_urls[0]", "image must be a JPEG or PNG, got WebP"));
		CheckedInput asData = first.check(InputValidatorTests.catalog.defaultModel(), input("""
				{"prompt": "p", "image_urls": ["%s"]}""",
				TestMediaBytes.dataUri("image/webp", TestMediaBytes.webpExtended(1024, 768))));
		assertThat(asData.errors())
			.containsExactly(new FieldError("input.image_urls[0]", "image must be a JPEG or PNG, got WebP"));
		assertThat(first.check(InputValidatorTests.catalog.defaultModel(), input("""
				{"prompt": "p", "image_urls": ["%s"]}""", url("/photo.png"))).errors()).isEmpty();
	}

	@Test
	void appliesEachKindsSizeCapWithoutAFileSizeRule() {
		int mb = 1024 * 1024;
		this.files.file("/big.png", TestMediaBytes.concat(TestMediaBytes.png(64, 64), new byte[mb + 1]))
			.file("/fits.mp4", TestMediaBytes.mp4(320, 240, mb + 1))
			.file("/big.mp4", TestMediaBytes.mp4(320, 240, 2 * mb + 1))
			.file("/fits.wav", TestMediaBytes.concat(TestMediaBytes.wav(), new byte[2 * mb + 1]))
			.file("/big.wav", TestMediaBytes.concat(TestMediaBytes.wav(), new byte[3 * mb + 1]));
		MediaProbe capped = TestMediaProbes.overLoopback(DataSize.ofMegabytes(1), DataSize.ofMegabytes(2),
				DataSize.ofMegabytes(3), this.server.getPort());
		Function<JsonNode, CheckedInput> validator = validator(handMadeModel(), capped);

		assertThat(validator
			.apply(input("""
					{"image": "%s", "video": "%s", "audio": "%s"}""", url("/photo.png"), url("/fits.mp4"),
					url("/fits.wav")))
			.errors()).isEmpty();
		assertThat(validator.apply(input("""
				{"image": "%s", "video": "%s", "audio": "%s"}""", url("/big.png"), url("/big.mp4"), url("/big.wav")))
			.errors()).containsExactlyInAnyOrder(
					new FieldError("input.image", "image is larger than the 1 MB limit for image files"),
					new FieldError("input.video", "video is larger than the 2 MB limit for video files"),
					new FieldError("input.audio", "audio is larger than the 3 MB limit for audio files"));
	}

	@Test
	void narrowsAFieldToItsMediaTypes() {
		Function<JsonNode, CheckedInput> validator = validator(handMadeModel(), probe());
		assertThat(validator.apply(input("""
				{"voice": "%s"}""", url("/take.wav"))).errors()).isEmpty();
		assertThat(validator.apply(input("""
				{"voice": "%s"}""", url("/song.mp3"))).errors())
			.containsExactly(new FieldError("input.voice", "audio must be a WAV, got MP3"));
	}

	@Test
	void aVideoOverItsCapIsNotAlsoReportedForItsUnreadDimensions() {
		ObjectNode model = model("acme/wide-video", json.readTree("""
				{"type": "object", "properties": {"video": {"type": "string", "format": "video_uri",
				  "validations": [{"validation_rule": "width_pixels>=", "validation_value": 640,
				                   "validation_error": "The video must be at least 640 pixels wide."}]}}}"""));
		// What the probe answers for a file over the cap whose moov lies at its end.
		MediaProbe overTheCap = (uri, kind, maxBytes) -> new MediaInfo(MediaType.MP4, maxBytes + 1, true, 0, 0);
		assertThat(validator(model, overTheCap).apply(input("""
				{"video": "%s"}""", url("/huge.mp4"))).errors())
			.containsExactly(new FieldError("input.video", "video is larger than the 100 MB limit for video files"));
	}

	/**
	 * A schema with one field of each kind, none with a size rule, and a WAV-only one.
	 */
	private ObjectNode handMadeModel() {
		return model("acme/media", json.readTree("""
				{"type": "object", "properties": {
				  "image": {"type": "string", "format": "image_uri"},
				  "video": {"type": "string", "format": "video_uri"},
				  "audio": {"type": "string", "format": "audio_uri"},
				  "voice": {"type": "string", "format": "audio_uri", "x-media-types": ["audio/wav"]}}}"""));
	}

	/**
	 * A model file of a sample catalog entry's input schema, as a sync would store it.
	 */
	private static ObjectNode syncedModel(String id) {
		try (InputStream in = MediaInputValidationTests.class.getResourceAsStream("/catalog-sample.json")) {
			for (JsonNode entry : json.readTree(in).get("models")) {
				if (entry.get("model_id").asString().equals(id)) {
					return model(id, entry.get("input_schema"));
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		throw new IllegalArgumentException(id);
	}

	private static ObjectNode model(String id, JsonNode schema) {
		ObjectNode model = json.createObjectNode().put("id", id).put("title", id);
		model.set("input_schema", schema);
		model.set("output_schema", json.readTree("{\"type\": \"object\"}"));
		return model;
	}

	/** Checks inputs of the one model in a catalog of that model file alone. */
	private Function<JsonNode, CheckedInput> validator(ObjectNode model, MediaProbe probe) {
		Path models = this.folder.resolve(model.get("id").asString().replace('/', '_'));
		ModelFiles.write(models, "model.json", model);
		ModelCatalog catalog = ModelFiles.catalog(models, model.get("id").asString());
		InputValidator validator = new InputValidator(catalog, probe);
		return (input) -> validator.check(catalog.defaultModel(), input);
	}

	private MediaProbe probe() {
		return TestMediaProbes.overLoopback(this.server.getPort());
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getPort() + path;
	}

	private static JsonNode input(String template, Object... values) {
		return json.readTree(template.formatted(values));
	}

}
