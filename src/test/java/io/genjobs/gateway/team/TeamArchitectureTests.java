package io.genjobs.gateway.team;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.repository.Repository;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebFilter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class TeamArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.genjobs.gateway.team");

	@Test
	void shouldKeepEntitiesRepositoriesControllersFiltersAndSettingsPackagePrivate() {
		noClasses().that()
			.areAnnotatedWith(Entity.class)
			.or()
			.areAssignableTo(Repository.class)
			.or()
			.areAnnotatedWith(RestController.class)
			.or()
			.areAnnotatedWith(Configuration.class)
			.or()
			.areAnnotatedWith(ConfigurationProperties.class)
			.or()
			.areAssignableTo(WebFilter.class)
			.should()
			.bePublic()
			.check(this.classes);
	}

}
