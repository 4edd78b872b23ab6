package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builders for the workflow engine's shapes that alert sources and workflows share: parameter bindings,
 * conditions and expressions. Every required field is set, including those the spec lists without a schema
 * (sort_key, icon, params, an expression's id).
 */
final class Engine {
    private Engine() {
    }

    /** An EngineParamBindingValueV2 holding a literal. */
    static ObjectNode literal(String label, String literal, int sortKey) {
        return bindingValue(label, "literal", literal, sortKey);
    }

    /** An EngineParamBindingValueV2 pointing at something the engine resolves. */
    static ObjectNode reference(String label, String reference, int sortKey) {
        return bindingValue(label, "reference", reference, sortKey);
    }

    /** A binding value holds either a literal or a reference, between its label and its sort key. */
    private static ObjectNode bindingValue(String label, String kind, String value, int sortKey) {
        ObjectNode node = Json.object();
        node.put("label", label);
        node.put(kind, value);
        node.put("sort_key", sortKey);
        return node;
    }

    /** An EngineParamBindingV2 with one value. */
    static ObjectNode single(ObjectNode value) {
        ObjectNode node = Json.object();
        node.set("value", value);
        return node;
    }

    /** An EngineParamBindingV2 with several values. */
    static ObjectNode many(ObjectNode... values) {
        return listOf("array_value", values);
    }

    static ObjectNode returns(String type, boolean array) {
        ObjectNode node = Json.object();
        node.put("array", array);
        node.put("type", type);
        return node;
    }

    /** A ConditionV2: subject, operation, the bound parameter and (no schema in the spec) what it expects. */
    static ObjectNode condition(String subjectLabel, String subjectReference, String icon, String operationLabel,
                                String operation, ObjectNode binding, String paramType, boolean paramArray) {
        ObjectNode node = Json.object();
        ObjectNode op = node.putObject("operation");
        op.put("label", operationLabel);
        op.put("value", operation);
        op.put("sort_key", 0);
        node.putArray("param_bindings").add(binding);
        ObjectNode subject = node.putObject("subject");
        subject.put("label", subjectLabel);
        subject.put("reference", subjectReference);
        subject.put("icon", icon);
        ObjectNode params = node.putObject("params");
        params.put("type", paramType);
        params.put("array", paramArray);
        params.put("label", subjectLabel);
        return node;
    }

    /** A ConditionGroupV2: all of its conditions must hold. */
    static ObjectNode group(ObjectNode... conditions) {
        return listOf("conditions", conditions);
    }

    /** An object whose one field, {@code key}, is the array of {@code items}. */
    private static ObjectNode listOf(String key, ObjectNode... items) {
        ObjectNode node = Json.object();
        ArrayNode array = node.putArray(key);
        for (ObjectNode item : items) {
            array.add(item);
        }
        return node;
    }

    /** An ExpressionV2 without operations yet; add them with {@link #navigate} and {@link #parse}. */
    static ObjectNode expression(String id, String label, String rootReference, ObjectNode returns) {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("label", label);
        node.putArray("operations");
        node.put("reference", "expressions[\"" + id + "\"]");
        node.set("returns", returns);
        node.put("root_reference", rootReference);
        return node;
    }

    static ObjectNode navigate(ObjectNode expression, String reference, String referenceLabel, ObjectNode returns) {
        ObjectNode op = ((ArrayNode) expression.get("operations")).addObject();
        op.put("operation_type", "navigate");
        ObjectNode navigate = op.putObject("navigate");
        navigate.put("reference", reference);
        navigate.put("reference_label", referenceLabel);
        op.set("returns", returns);
        return expression;
    }

    static ObjectNode parse(ObjectNode expression, String source, ObjectNode returns) {
        ObjectNode op = ((ArrayNode) expression.get("operations")).addObject();
        op.put("operation_type", "parse");
        ObjectNode parse = op.putObject("parse");
        parse.set("returns", returns.deepCopy());
        parse.put("source", source);
        op.set("returns", returns);
        return expression;
    }

    /** A branches operation: the first branch whose condition groups hold gives the result. */
    static ObjectNode branches(ObjectNode expression, ObjectNode returns, ObjectNode[] groups, ObjectNode[] results) {
        ObjectNode op = ((ArrayNode) expression.get("operations")).addObject();
        op.put("operation_type", "branches");
        ObjectNode opts = op.putObject("branches");
        ArrayNode branches = opts.putArray("branches");
        for (int i = 0; i < groups.length; i++) {
            ObjectNode branch = branches.addObject();
            branch.putArray("condition_groups").add(groups[i]);
            branch.set("result", results[i]);
        }
        opts.set("returns", returns.deepCopy());
        op.set("returns", returns);
        return expression;
    }

    static ObjectNode elseBranch(ObjectNode expression, ObjectNode result) {
        expression.putObject("else_branch").set("result", result);
        return expression;
    }
}
