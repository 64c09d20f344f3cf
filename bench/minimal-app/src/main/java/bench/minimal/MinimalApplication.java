package bench.minimal;

import java.util.UUID;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** WebFlux + JPA + Actuator with one entity and one route: start-up's floor on a machine. */
@SpringBootApplication
public class MinimalApplication {

	public static void main(String[] args) {
		SpringApplication.run(MinimalApplication.class, args);
	}

	@RestController
	static class ItemController {

		private final Items items;

		ItemController(Items items) {
			this.items = items;
		}

		@GetMapping("/items/{id}")
		Item item(@PathVariable UUID id) {
			return this.items.findById(id).orElse(null);
		}

	}

}
