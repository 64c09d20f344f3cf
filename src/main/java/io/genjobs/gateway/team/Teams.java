package io.genjobs.gateway.team;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

/** All teams. */
interface Teams extends JpaRepository<Team, UUID> {

	Optional<Team> findByName(String name);

	boolean existsByName(String name);

	boolean existsByNameAndIdNot(String name, UUID id);

	/** Every team, oldest first: there are few, so the admin list is not paginated. */
	List<Team> findAllByOrderByCreatedAtAscIdAsc();

}
