package io.genjobs.gateway.catalog;

import com.networknt.schema.Schema;

/**
 * A model with its input schema compiled at start-up.
 *
 * @param model the model as its file describes it
 * @param schema the input schema for the JSON Schema library, closed to unknown fields
 * @param checks the checks the library does not make
 */
record CompiledModel(Model model, Schema schema, FieldChecks checks) {
}
