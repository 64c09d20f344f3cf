package io.genjobs.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
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
import static org.assertj.core.api.Assertions.assertThat;

/** The package-by-feature rules of STYLE.md, checked on the main classes and sources. */
class ArchitectureTests {

	private static final String ROOT = "io.genjobs.gateway";

	private static final Path SOURCES = Path.of("src/main/java");

	private static final Path MIGRATIONS = Path.of("db/migration");

	/**
	 * Which feature owns each table: only its package may name the table in SQL. A new
	 * table must be given an owner here.
	 */
	private static final Map<String, String> TABLE_OWNERS = Map.ofEntries(Map.entry("teams", "team"),
			Map.entry("api_keys", "team"), Map.entry("jobs", "job"), Map.entry("job_transitions", "job"),
			Map.entry("job_inputs", "job"), Map.entry("webhook_endpoints", "webhook"),
			Map.entry("webhook_team_secrets", "webhook"), Map.entry("webhook_events", "webhook"),
			Map.entry("webhook_deliveries", "webhook"), Map.entry("webhook_attempts", "webhook"),
			Map.entry("upstream_rate_buckets", "upstream"), Map.entry("upstream_pause", "upstream"),
			Map.entry("model_timings", "upstream"), Map.entry("catalog_models", "catalog"),
			Map.entry("catalog_sync", "catalog"), Map.entry("spend_reservations", "spend"),
			Map.entry("spend_ledger", "spend"), Map.entry("budget_alerts", "spend"),
			Map.entry("stored_outputs", "storage"));

	/**
	 * Public classes that no other package uses yet, as found when the rule
	 * {@link #everyPublicClassOfAFeatureIsUsedOutsideItsPackage} was written: each is to
	 * become package-private (or be used) by its feature, and then leaves this list. No
	 * class may join it.
	 */
	private static final Set<String> PUBLIC_BUT_UNUSED = Set.of("catalog.ModelNotFoundException",
			"job.IllegalTransitionException", "job.JobNotFoundException", "job.JobPage", "team.ApiKeyNotFoundException",
			"team.ApiKeyView", "team.DuplicateTeamNameException", "upstream.CancelOutcome", "upstream.RequestResult",
			"upstream.RequestStatus", "upstream.RunComfyClient", "upstream.Submission", "upstream.UpstreamException",
			"upstream.UpstreamFailures", "upstream.UpstreamOperation", "upstream.UpstreamState");

	/**
	 * Classes Spring's AOT processing generates ({@code -Paot}: bean definitions,
	 * accessors, proxies) are not ours to check.
	 */
	private static final ImportOption NOT_AOT_GENERATED = (location) -> !location.contains("__")
			&& !location.contains("$$SpringCGLIB$$");

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(NOT_AOT_GENERATED)
		.importPackages(ROOT);

	private final JavaClasses mainAndTestClasses = new ClassFileImporter().withImportOption(NOT_AOT_GENERATED)
		.importPackages(ROOT);

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
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(this.classes);
	}

	@Test
	void onlyTheJobFeatureWritesJobs() {
		noClasses().that()
			.resideOutsideOfPackage(ROOT + ".job..")
			.should()
			.accessClassesThat()
			.haveSimpleName("Job")
			.check(this.classes);
	}

	/**
	 * Public only what another feature uses: a public class of a feature that nothing
	 * outside its package uses (main code or tests) could as well be package-private.
	 * ({@code common} is there to be shared and is left out, as are classes with a
	 * {@code main} method.)
	 */
	@Test
	void everyPublicClassOfAFeatureIsUsedOutsideItsPackage() {
		Set<String> unused = new TreeSet<>();
		for (JavaClass javaClass : this.mainAndTestClasses) {
			boolean feature = javaClass.getPackageName().startsWith(ROOT + ".")
					&& !javaClass.getPackageName().startsWith(ROOT + ".common");
			if (feature && isMain(javaClass) && javaClass.isTopLevelClass()
					&& javaClass.getModifiers().contains(JavaModifier.PUBLIC) && !hasMainMethod(javaClass)
					&& !usedOutsideItsPackage(javaClass)) {
				unused.add(javaClass.getName().substring(ROOT.length() + 1));
			}
		}
		assertThat(unused).as("public classes used only in their own package: make them package-private")
			.isSubsetOf(PUBLIC_BUT_UNUSED);
		assertThat(PUBLIC_BUT_UNUSED).as("entries of PUBLIC_BUT_UNUSED that are fixed: remove them").isSubsetOf(unused);
	}

	/**
	 * Domain exceptions say what went wrong, not how HTTP answers it: only
	 * {@code common.web} knows statuses, headers and problem documents
	 * ({@code ProblemResponses} maps each exception's kind to its status).
	 */
	@Test
	void exceptionsOutsideCommonWebCarryNoWebTypes() {
		noClasses().that()
			.areAssignableTo(Throwable.class)
			.and()
			.resideOutsideOfPackage(ROOT + ".common.web..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.http..", "org.springframework.web..", ROOT + ".common.web..")
			.check(this.classes);
	}

	/**
	 * No feature reads another feature's tables: SQL that names a table (in a string
	 * literal: {@code from}, {@code join}, {@code into}, {@code update}, a quoted name,
	 * or an entity's {@code @Table}) lives only in the package of the feature that owns
	 * it. Others ask that feature ({@code JobCounts}, {@code DeliveryCounts}).
	 */
	@Test
	void sqlNamingAFeaturesTablesLivesInThatFeature() throws IOException {
		Set<String> created = new TreeSet<>();
		try (Stream<Path> files = Files.list(MIGRATIONS)) {
			Pattern create = Pattern.compile("(?i)create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?(\\w+)");
			files.filter((file) -> file.toString().endsWith(".sql")).forEach((file) -> {
				Matcher matcher = create.matcher(read(file));
				while (matcher.find()) {
					created.add(matcher.group(1).toLowerCase());
				}
			});
		}
		assertThat(created).as("tables the migrations create").isNotEmpty();
		assertThat(TABLE_OWNERS.keySet()).as("tables with an owning feature").containsAll(created);
		String tables = String.join("|", TABLE_OWNERS.keySet());
		Pattern naming = Pattern.compile("(?i)(?:\\b(?:from|join|into|update|table)\\s+|')(" + tables + ")\\b");
		Pattern entityTable = Pattern.compile("@Table\\(name\\s*=\\s*\"(" + tables + ")\"");
		List<String> trespasses = new ArrayList<>();
		Map<String, Integer> found = new HashMap<>();
		for (Path file : javaSources()) {
			String feature = featureOf(file);
			String source = read(file);
			List<String> named = new ArrayList<>();
			for (String literal : stringLiterals(source)) {
				Matcher matcher = naming.matcher(literal);
				while (matcher.find()) {
					named.add(matcher.group(1).toLowerCase());
				}
			}
			Matcher entity = entityTable.matcher(source);
			while (entity.find()) {
				named.add(entity.group(1));
			}
			for (String table : named) {
				found.merge(table, 1, Integer::sum);
				if (!TABLE_OWNERS.get(table).equals(feature)) {
					trespasses.add(SOURCES.relativize(file) + " names " + table + " of " + TABLE_OWNERS.get(table));
				}
			}
		}
		assertThat(found).as("the scan finds the features' own SQL")
			.containsKeys("jobs", "webhook_deliveries", "teams");
		assertThat(trespasses).isEmpty();
	}

	/**
	 * An exchange attribute or logging-context key is a named constant, defined once:
	 * code that reads or writes one names the constant, never a copy of its text.
	 */
	@Test
	void attributeAndLogContextKeysAreDefinedOnce() throws IOException {
		Pattern literalKey = Pattern.compile("(?:getAttribute|getRequiredAttribute|getAttributeOrDefault"
				+ "|getAttributes\\(\\)\\s*\\.\\s*(?:put|get|remove)|MDC\\s*\\.\\s*(?:put|get|remove)"
				+ "|context\\s*\\.\\s*put|contextWrite\\(\\s*Context\\s*\\.\\s*of)\\(\\s*(?:\"|[A-Z]\\w*\\.class)");
		List<String> literalKeys = new ArrayList<>();
		for (Path file : javaSources()) {
			Matcher matcher = literalKey.matcher(read(file));
			while (matcher.find()) {
				literalKeys.add(SOURCES.relativize(file) + ": " + matcher.group());
			}
		}
		assertThat(literalKeys).as("keys written out where they are used").isEmpty();
		Map<String, List<String>> keysByValue = new HashMap<>();
		for (JavaClass javaClass : this.classes) {
			for (Field field : javaClass.reflect().getDeclaredFields()) {
				int modifiers = field.getModifiers();
				boolean key = field.getName().endsWith("_ATTRIBUTE") || field.getName().endsWith("_KEY")
						|| javaClass.getSimpleName().equals("JobLogContext");
				if (key && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
						&& field.getType() == String.class) {
					keysByValue.computeIfAbsent(constant(field), (value) -> new ArrayList<>())
						.add(javaClass.getSimpleName() + "." + field.getName());
				}
			}
		}
		assertThat(keysByValue).as("attribute and context keys").containsKey("job_id");
		assertThat(keysByValue).allSatisfy((value, fields) -> assertThat(fields).as(value).hasSize(1));
	}

	private static boolean isMain(JavaClass javaClass) {
		return javaClass.getSource()
			.map((source) -> !source.getUri().toString().contains("/test-classes/"))
			.orElse(true);
	}

	private static boolean hasMainMethod(JavaClass javaClass) {
		return javaClass.getMethods()
			.stream()
			.anyMatch(
					(method) -> method.getName().equals("main") && method.getModifiers().contains(JavaModifier.STATIC));
	}

	private static boolean usedOutsideItsPackage(JavaClass javaClass) {
		return javaClass.getDirectDependenciesToSelf()
			.stream()
			.map(Dependency::getOriginClass)
			.anyMatch((origin) -> !origin.getPackageName().equals(javaClass.getPackageName()));
	}

	private static String constant(Field field) {
		try {
			field.setAccessible(true);
			return (String) field.get(null);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<Path> javaSources() throws IOException {
		try (Stream<Path> files = Files.walk(SOURCES)) {
			return files.filter((file) -> file.toString().endsWith(".java")).sorted().toList();
		}
	}

	/** The feature a source file belongs to: the first package below the root. */
	private static String featureOf(Path file) {
		Path relative = SOURCES.resolve(ROOT.replace('.', '/')).relativize(file);
		return (relative.getNameCount() > 1) ? relative.getName(0).toString() : "";
	}

	/**
	 * The contents of a Java source's string literals and text blocks; comments are
	 * skipped, so prose that mentions a table is not SQL.
	 */
	static List<String> stringLiterals(String source) {
		List<String> literals = new ArrayList<>();
		int i = 0;
		while (i < source.length()) {
			char c = source.charAt(i);
			if (source.startsWith("//", i)) {
				i = endOf(source, source.indexOf('\n', i), 0);
			}
			else if (source.startsWith("/*", i)) {
				i = endOf(source, source.indexOf("*/", i + 2), 2);
			}
			else if (source.startsWith("\"\"\"", i)) {
				int end = endOf(source, source.indexOf("\"\"\"", i + 3), 0);
				literals.add(source.substring(i + 3, end));
				i = end + 3;
			}
			else if (c == '"' || c == '\'') {
				int end = i + 1;
				while (end < source.length() && source.charAt(end) != c) {
					end += (source.charAt(end) == '\\') ? 2 : 1;
				}
				if (c == '"') {
					literals.add(source.substring(i + 1, Math.min(end, source.length())));
				}
				i = end + 1;
			}
			else {
				i++;
			}
		}
		return literals;
	}

	private static int endOf(String source, int index, int length) {
		return (index < 0) ? source.length() : index + length;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
