package io.genjobs.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Configuration;
import org.springframework.data.repository.Repository;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebFilter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package-by-feature rules of STYLE.md, checked on the main classes. */
class ArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.genjobs.gateway");

	@Test
	void entitiesRepositoriesControllersFiltersAndConfigurationStayInsideTheirFeature() {
		noClasses().that()
			.areAnnotatedWith(Entity.class)
			.or()
			.areAssignableTo(Repository.class)
			.or()
			.areAnnotatedWith(RestController.class)
			.or()
			.areAnnotatedWith(Configuration.class)
			.or()
			.areAssignableTo(WebFilter.class)
			.should()
			.bePublic()
			.check(this.classes);
	}

	@Test
	void featuresDoNotDependOnEachOtherInCycles() {
		slices().matching("io.genjobs.gateway.(*)..").should().beFreeOfCycles().check(this.classes);
	}

	@Test
	void onlyTheJobFeatureWritesJobs() {
		noClasses().that()
			.resideOutsideOfPackage("io.genjobs.gateway.job..")
			.should()
			.accessClassesThat()
			.haveSimpleName("Job")
			.check(this.classes);
	}

}
