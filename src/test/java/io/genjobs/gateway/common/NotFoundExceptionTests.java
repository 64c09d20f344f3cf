package io.genjobs.gateway.common;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NotFoundExceptionTests {

	@Test
	void namesAnIdAsItIs() {
		UUID id = UUID.fromString("0199c9a4-7d1e-7c3a-9f4e-2b6d1a0c5e77");
		NotFoundException ex = new ThingNotFound(id);
		assertThat(ex.kind()).isEqualTo(GatewayException.Kind.NOT_FOUND);
		assertThat(ex.detail()).isEqualTo("No thing with id 0199c9a4-7d1e-7c3a-9f4e-2b6d1a0c5e77.");
	}

	@Test
	void quotesTextThatIsNotAnId() {
		assertThat(new ThingNotFound("not-a-uuid").detail()).isEqualTo("No thing with id 'not-a-uuid'.");
	}

	static final class ThingNotFound extends NotFoundException {

		ThingNotFound(Object id) {
			super("thing-not-found", "Thing not found", "thing", id);
		}

	}

}
