package io.genjobs.gateway.job;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class OutputUrlsTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void shouldFindEveryHttpUrlAtAnyDepthInDocumentOrder() {
		String output = """
				{"video": "https://cdn.example/a.mp4", "images": ["http://cdn.example/b.png", "s3://not/http"],
				 "meta": {"thumbs": [{"url": "HTTPS://cdn.example/c.jpg"}], "seed": 3, "note": "see https://x"}}
				""";
		assertThat(OutputUrls.in(output)).containsExactly("https://cdn.example/a.mp4", "http://cdn.example/b.png",
				"HTTPS://cdn.example/c.jpg");
		assertThat(OutputUrls.in(null)).isEmpty();
		assertThat(OutputUrls.in("{\"text\": \"no files\"}")).isEmpty();
	}

	@Test
	void shouldReplaceTheNthUrlKeepingTheShape() {
		String output = """
				{"video": "https://cdn.example/a.mp4", "images": ["http://cdn.example/b.png", "s3://not/http"],
				 "meta": {"thumbs": [{"url": "https://cdn.example/c.jpg"}], "seed": 3}}
				""";
		String replaced = OutputUrls.replaced(output, (n) -> "https://gw.example/" + n);
		assertThat(this.json.readTree(replaced)).isEqualTo(this.json.readTree("""
				{"video": "https://gw.example/0", "images": ["https://gw.example/1", "s3://not/http"],
				 "meta": {"thumbs": [{"url": "https://gw.example/2"}], "seed": 3}}
				"""));
	}

}
