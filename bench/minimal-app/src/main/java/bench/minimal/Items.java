package bench.minimal;

import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface Items extends JpaRepository<Item, UUID> {

}
