package io.genjobs.gateway.catalog;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.genjobs.gateway.common.web.InvalidParameterException;
import io.genjobs.gateway.common.web.RequestParameters;
import io.genjobs.gateway.common.web.SecuritySchemes;
import io.genjobs.gateway.team.TeamPrincipal;

/**
 * The catalog, read-only: {@code GET /models} and {@code GET /models/{id}}. A team sees
 * the models {@code gateway.catalog.enabled-models} enables and its own
 * {@code allowed_models} allows, available or not; any other id answers 404.
 */
@RestController
@Tag(name = "models")
@SecurityRequirement(name = SecuritySchemes.API_KEY)
class ModelController {

	/** The longest {@code search} or {@code category} taken. */
	static final int MAX_FILTER_LENGTH = 200;

	private static final String CURSOR_PREFIX = "m1:";

	private final ModelCatalog catalog;

	ModelController(ModelCatalog catalog) {
		this.catalog = catalog;
	}

	@Operation(operationId = "listModels", summary = "The model catalog, in id order")
	@ApiResponse(responseCode = "200",
			description = "A page of models with their input schemas, prices and availability: `data` and "
					+ "`next_cursor` (null on the last page)")
	@ApiResponse(responseCode = "400", description = "Bad category, search, limit or cursor (`invalid-parameter`)")
	@GetMapping("/models")
	ModelPage list(TeamPrincipal team,
			@Parameter(description = "Only models in this category (such as `image-to-video`)") @RequestParam(
					required = false) String category,
			@Parameter(
					description = "Only models whose id or display name contains this text (any case)") @RequestParam(
							required = false) String search,
			@RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
		int size = RequestParameters.limit(limit);
		String after = (cursor != null) ? decodeCursor(cursor) : null;
		String wantedCategory = filter("category", category);
		String wantedText = filter("search", search);
		List<ModelView> page = new ArrayList<>();
		boolean more = false;
		for (CatalogEntry entry : this.catalog.entries(team.allowedModels())) {
			if ((after != null && entry.id().compareTo(after) <= 0) || !matches(entry, wantedCategory, wantedText)) {
				continue;
			}
			if (page.size() == size) {
				more = true;
				break;
			}
			page.add(ModelView.of(entry));
		}
		return new ModelPage(page, more ? encodeCursor(page.getLast().id()) : null);
	}

	/**
	 * One model. Model ids contain slashes
	 * ({@code /models/bytedance/dreamina-3-0/pro/image-to-video}), so the rest of the
	 * path is captured whole; it starts with the slash after {@code /models}.
	 */
	@Operation(operationId = "getModel", summary = "One model (its id contains slashes)")
	@ApiResponse(responseCode = "200", description = "The model with its input JSON Schema, price and availability")
	@ApiResponse(responseCode = "404",
			description = "Unknown model, or one not enabled for the team (`model-not-found`)")
	@GetMapping("/models/{*id}")
	ModelView get(TeamPrincipal team, @PathVariable String id) {
		String modelId = id.startsWith("/") ? id.substring(1) : id;
		return this.catalog.entry(modelId, team.allowedModels())
			.map(ModelView::of)
			.orElseThrow(() -> ModelNotFoundException.forId(modelId));
	}

	private static boolean matches(CatalogEntry entry, @Nullable String category, @Nullable String search) {
		if (category != null
				&& entry.categories().stream().noneMatch((c) -> c.toLowerCase(Locale.ROOT).equals(category))) {
			return false;
		}
		return search == null || entry.id().toLowerCase(Locale.ROOT).contains(search)
				|| entry.displayName().toLowerCase(Locale.ROOT).contains(search);
	}

	private static @Nullable String filter(String name, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		if (value.length() > MAX_FILTER_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
			throw new InvalidParameterException(name,
					"must be at most " + MAX_FILTER_LENGTH + " characters, without control characters");
		}
		return value.toLowerCase(Locale.ROOT);
	}

	// The cursor names the last model of a page by its id: the next page starts after
	// it in id order, so models added meanwhile neither repeat nor shift the pages.
	private static String encodeCursor(String id) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString((CURSOR_PREFIX + id).getBytes(StandardCharsets.UTF_8));
	}

	private static String decodeCursor(String cursor) {
		String plain;
		try {
			plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw notIssued();
		}
		String id = plain.startsWith(CURSOR_PREFIX) ? plain.substring(CURSOR_PREFIX.length()) : null;
		if (id == null || !CatalogLoader.MODEL_ID.matcher(id).matches() || !encodeCursor(id).equals(cursor)) {
			throw notIssued();
		}
		return id;
	}

	private static InvalidParameterException notIssued() {
		return new InvalidParameterException("cursor", "is not a cursor this gateway issued");
	}

	/** A page of models, shaped like every list the API answers. */
	record ModelPage(List<ModelView> data, @Nullable String nextCursor) {
	}

	/**
	 * A model as the API shows it.
	 *
	 * @param id RunComfy's model id
	 * @param displayName a human-readable name
	 * @param description what the model does
	 * @param categories RunComfy's categories
	 * @param inputSchema the input JSON Schema, in RunComfy's dialect
	 * @param outputSchema the output schema, when published
	 * @param basePriceUsd the base price in US dollars per {@code price_unit}
	 * @param priceUnit {@code output} or {@code second}
	 * @param pricingNote RunComfy's note on the price
	 * @param available whether jobs for the model are accepted
	 * @param unavailableReason why not, when not
	 * @param source {@code runcomfy} (synced) or {@code local} (a model file)
	 */
	@Schema(name = "Model")
	record ModelView(String id, String displayName, String description, List<String> categories,
			@Schema(type = "object", description = "The model's input JSON Schema") JsonNode inputSchema,
			@Schema(type = "object",
					description = "The model's output schema, when published") @Nullable JsonNode outputSchema,
			@Nullable BigDecimal basePriceUsd, @Schema(allowableValues = {
					"output", "second" }) @Nullable String priceUnit,
			@Nullable String pricingNote, boolean available, @Nullable String unavailableReason,
			@Schema(allowableValues = { "runcomfy", "local" }) String source){

		static ModelView of(CatalogEntry entry) {
			return new ModelView(entry.id(), entry.displayName(), entry.description(), entry.categories(),
					entry.inputSchema(), entry.outputSchema(), entry.basePriceUsd(), entry.priceUnit(),
					entry.pricingNote(), entry.available(), entry.unavailableReason(), entry.source().wireName());
		}

	}

}
