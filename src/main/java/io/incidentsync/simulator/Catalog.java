package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * The organisation's fixed configuration: severities, statuses, types, roles, timestamps, custom fields and their
 * options. Small enough to build once; incidents refer to these records by index.
 */
final class Catalog {
    static final List<String> CATEGORIES =
            List.of("triage", "declined", "merged", "canceled", "live", "learning", "closed", "paused");

    private static final long DAY = 86_400_000L;

    private record FieldSpec(String name, String type, int options, boolean catalogBacked) {
    }

    private static final List<FieldSpec> FIELDS = List.of(
            new FieldSpec("Affected service", "single_select", 12, false),
            new FieldSpec("Customer impact", "single_select", 4, false),
            new FieldSpec("Root cause", "single_select", 8, false),
            new FieldSpec("Teams involved", "multi_select", 9, false),
            new FieldSpec("Regions", "multi_select", 6, false),
            new FieldSpec("Affected customers", "multi_select", 620, false),
            new FieldSpec("Product area", "single_select", 275, false),
            new FieldSpec("Summary notes", "text", 0, false),
            new FieldSpec("Customer quote \"verbatim\"", "text", 0, false),
            new FieldSpec("Jira link", "link", 0, false),
            new FieldSpec("Runbook", "link", 0, false),
            new FieldSpec("Revenue impact (€)", "numeric", 0, false),
            new FieldSpec("Users affected", "numeric", 0, false),
            new FieldSpec("Detection method", "single_select", 5, false),
            new FieldSpec("Contributing factors", "multi_select", 7, false),
            new FieldSpec("Postmortem link", "link", 0, false),
            new FieldSpec("Owner notes — ünïcödé 📝", "text", 0, false),
            new FieldSpec("Minutes to detect", "numeric", 0, false),
            new FieldSpec("Service tier", "single_select", 3, false),
            new FieldSpec("Vendor", "single_select", 0, true),
            new FieldSpec("Environment", "multi_select", 4, false),
            new FieldSpec("Pager escalations", "numeric", 0, false));

    /** Above this many options a field's embedded copy in an incident leaves them out, as the listing has them. */
    private static final int EMBEDDED_OPTIONS_LIMIT = 25;

    final String organisationId;
    final List<ObjectNode> severities = new ArrayList<>();
    final List<ObjectNode> statuses = new ArrayList<>();
    final List<ObjectNode> incidentTypes = new ArrayList<>();
    final List<ObjectNode> roles = new ArrayList<>();
    final List<ObjectNode> timestamps = new ArrayList<>();
    final List<ObjectNode> customFields = new ArrayList<>();
    final List<ObjectNode> customFieldTypeInfos = new ArrayList<>();
    final List<ObjectNode> options = new ArrayList<>();
    /** For each custom field, the indexes into {@link #options} of its options. */
    final List<List<Integer>> optionsOfField = new ArrayList<>();
    final List<ObjectNode> rbacRoles = new ArrayList<>();
    final List<ObjectNode> apiKeys = new ArrayList<>();
    final List<ObjectNode> priorities = new ArrayList<>();
    final List<ObjectNode> durationMetrics = new ArrayList<>();
    final List<ObjectNode> catalogEntries = new ArrayList<>();

    private final long seed;
    private final Times times;

    Catalog(long seed, Times times, Users users) {
        this.seed = seed;
        this.times = times;
        organisationId = TableCode.ORGANISATION.ids(seed).id(1);
        buildSeverities();
        buildStatuses();
        buildTypes();
        buildRoles();
        buildTimestamps();
        buildRbacRoles();
        buildCatalogEntries();
        buildCustomFields();
        buildPriorities();
        buildDurationMetrics();
        buildApiKeys(users);
    }

    String fieldType(int field) {
        return FIELDS.get(field).type();
    }

    boolean catalogBacked(int field) {
        return FIELDS.get(field).catalogBacked();
    }

    /** Statuses of a category, by index into {@link #statuses}. */
    List<Integer> statusesOf(String category) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < statuses.size(); i++) {
            if (statuses.get(i).get("category").asText().equals(category)) {
                out.add(i);
            }
        }
        return out;
    }

    private String created(int k) {
        return times.at(-120 * DAY + k * 3_600_000L + 123);
    }

    private String updated(int k) {
        return times.at(-60 * DAY + k * 5_400_000L + 456);
    }

    private ObjectNode base(Ids ids, int index, String name, String description) {
        ObjectNode node = Json.object();
        node.put("id", ids.id(index));
        node.put("name", name);
        node.put("description", description);
        return node;
    }

    private void buildSeverities() {
        Ids ids = TableCode.SEVERITY.ids(seed);
        String[][] rows = {
                {"Critical", "Complete outage of a core service; all hands."},
                {"Major", "Significant \"partial\" degradation affecting many customers."},
                {"Minor", "Limited impact.\nA workaround exists."},
                {"Low — ünïcödé", "Cosmetic or internal-only issue 🐛."}};
        for (int i = 0; i < rows.length; i++) {
            ObjectNode node = base(ids, i, rows[i][0], rows[i][1]);
            node.put("rank", i + 1);
            node.put("created_at", created(i));
            node.put("updated_at", updated(i));
            severities.add(node);
        }
    }

    private void buildStatuses() {
        Ids ids = TableCode.STATUS.ids(seed);
        String[][] rows = {
                {"Triage", "triage"}, {"Declined", "declined"}, {"Merged", "merged"}, {"Canceled", "canceled"},
                {"Investigating", "live"}, {"Fixing", "live"}, {"Monitoring", "live"}, {"Paused", "paused"},
                {"Post-incident", "learning"}, {"Closed", "closed"}};
        for (int i = 0; i < rows.length; i++) {
            ObjectNode node = Json.object();
            node.put("category", rows[i][1]);
            node.put("created_at", created(10 + i));
            node.put("description", "Incidents in the \"" + rows[i][0] + "\" state.");
            node.put("id", ids.id(i));
            node.put("name", rows[i][0]);
            node.put("rank", i + 1);
            node.put("updated_at", updated(10 + i));
            statuses.add(node);
        }
    }

    private void buildTypes() {
        Ids ids = TableCode.INCIDENT_TYPE.ids(seed);
        String[] names = {"Default", "Security", "Customer-facing", "Internal — ünïcödé"};
        for (int i = 0; i < names.length; i++) {
            ObjectNode node = Json.object();
            node.put("create_in_triage", i % 2 == 0 ? "always" : "optional");
            node.put("created_at", created(30 + i));
            node.put("description", "Use for " + names[i].toLowerCase(java.util.Locale.ROOT) + " incidents.\nSee the runbook.");
            node.put("id", ids.id(i));
            node.put("is_default", i == 0);
            node.put("name", names[i]);
            node.put("private_incidents_only", i == 1);
            node.put("updated_at", updated(30 + i));
            node.set("severity_aliases", Json.array());
            node.put("rank", (i + 1) * 10);
            node.put("override_auto_close_incidents", i == 2);
            node.put("auto_close_incidents", i == 2);
            node.put("auto_close_incidents_delay_days", i == 2 ? 14 : 0);
            node.put("override_auto_archive_slack_channels", i == 3);
            node.put("auto_archive_slack_channels", i == 3);
            node.put("auto_archive_slack_channels_delay_days", i == 3 ? 30 : 0);
            incidentTypes.add(node);
        }
    }

    private void buildRoles() {
        Ids ids = TableCode.ROLE.ids(seed);
        String[][] rows = {
                {"Incident Lead", "lead", "IL"}, {"Reporter", "reporter", "R"},
                {"Communications Lead", "custom", "CL"}, {"Scribe", "custom", "S"},
                {"Technical Lead — ünïcödé", "custom", "TL"}};
        for (int i = 0; i < rows.length; i++) {
            ObjectNode node = Json.object();
            node.put("created_at", created(40 + i));
            node.put("description", "The " + rows[i][0] + " of an incident.");
            node.put("id", ids.id(i));
            node.put("instructions", "1. Join the channel.\n2. Say \"I'm on it\".");
            node.put("name", rows[i][0]);
            node.put("role_type", rows[i][1]);
            node.put("shortform", rows[i][2]);
            node.put("updated_at", updated(40 + i));
            node.set("condition_groups", Json.array());
            roles.add(node);
        }
    }

    /** A role as embedded in an incident's role assignments. */
    ObjectNode embeddedRole(int role) {
        ObjectNode node = roles.get(role).deepCopy();
        node.put("required", role < 2);
        return node;
    }

    /** Records of a fixed list, one per name, each first its id and name; {@code rest} writes the i-th's other fields. */
    private void named(TableCode table, String[] names, List<ObjectNode> into, ObjIntConsumer<ObjectNode> rest) {
        Ids ids = table.ids(seed);
        for (int i = 0; i < names.length; i++) {
            ObjectNode node = Json.object();
            node.put("id", ids.id(i));
            node.put("name", names[i]);
            rest.accept(node, i);
            into.add(node);
        }
    }

    private void buildTimestamps() {
        String[] names = {"Reported at", "Accepted at", "Impact started", "Identified at", "Fixed at", "Resolved at",
                "Closed at"};
        named(TableCode.TIMESTAMP, names, timestamps, (node, i) -> {
            node.put("rank", i + 1);
            node.put("description", "When the incident was " + names[i].toLowerCase(java.util.Locale.ROOT).replace(" at", "") + ".");
            node.put("set_on_creation", i == 0);
            node.put("set_on_acceptance", i == 1);
            node.put("set_on_resolution", i == 5);
            node.put("set_by_rules", i == 6);
            node.put("timestamp_type", i == 2 ? "manual" : "automatic");
            node.put("created_at", created(50 + i));
            node.put("updated_at", updated(50 + i));
        });
    }

    private void buildRbacRoles() {
        Ids ids = TableCode.RBAC_ROLE.ids(seed);
        String[][] rows = {
                {"Viewer", "viewer"}, {"Responder", "responder"}, {"Administrator", "administrator"},
                {"Owner", "owner"}, {"On-call manager", "on-call-manager"}, {"Security reviewer", "security-reviewer"}};
        for (int i = 0; i < rows.length; i++) {
            ObjectNode node = Json.object();
            if (i % 2 == 0) {
                node.put("description", "Can act as " + rows[i][0].toLowerCase(java.util.Locale.ROOT) + ".");
            }
            node.put("id", ids.id(i));
            node.put("name", rows[i][0]);
            node.put("slug", rows[i][1]);
            node.put("organisation_id", organisationId);
            ArrayNode privileges = node.putArray("privileges");
            privileges.add("incident_view");
            if (i > 0) {
                privileges.add("incident_edit");
            }
            node.put("is_base_role", i < 4);
            node.put("rank", i + 1);
            node.put("created_at", created(60 + i));
            node.put("updated_at", updated(60 + i));
            rbacRoles.add(node);
        }
    }

    private void buildCatalogEntries() {
        Ids ids = TableCode.CATALOG_ENTRY.ids(seed);
        String catalogType = TableCode.CATALOG_TYPE.ids(seed).id(1);
        String[] vendors = {"AWS", "Google Cloud", "Cloudflare", "Stripe", "Twilio", "Datadog", "Ünïcödé Hosting"};
        for (int i = 0; i < vendors.length; i++) {
            ObjectNode node = Json.object();
            if (i % 2 == 0) {
                node.putArray("aliases").add(vendors[i].toLowerCase(java.util.Locale.ROOT));
            }
            if (i % 3 == 0) {
                node.put("external_id", "vendor-" + i);
            }
            node.put("id", ids.id(i));
            node.put("name", vendors[i]);
            node.put("catalog_type_id", catalogType);
            catalogEntries.add(node);
        }
    }

    private void buildCustomFields() {
        Ids ids = TableCode.CUSTOM_FIELD.ids(seed);
        Ids optionIds = TableCode.CUSTOM_FIELD_OPTION.ids(seed);
        Rand rand = new Rand(seed, TableCode.CUSTOM_FIELD.ordinal(), 0);
        for (int f = 0; f < FIELDS.size(); f++) {
            FieldSpec spec = FIELDS.get(f);
            String id = ids.id(f);
            List<Integer> own = new ArrayList<>();
            for (int o = 0; o < spec.options(); o++) {
                ObjectNode option = Json.object();
                option.put("custom_field_id", id);
                option.put("id", optionIds.id(options.size()));
                option.put("sort_key", (o + 1) * 10L);
                option.put("value", optionValue(spec, o, rand));
                own.add(options.size());
                options.add(option);
            }
            optionsOfField.add(Collections.unmodifiableList(own));

            ObjectNode field = Json.object();
            if (spec.catalogBacked()) {
                field.put("catalog_type_id", catalogEntries.get(0).get("catalog_type_id").asText());
            }
            field.put("created_at", created(70 + f));
            field.put("description", "What " + spec.name().toLowerCase(java.util.Locale.ROOT) + " applies.\nPick the closest.");
            field.put("field_type", spec.type());
            field.put("id", id);
            field.put("name", spec.name());
            field.put("updated_at", updated(70 + f));
            field.put("cannot_be_unset", f % 5 == 0);
            customFields.add(field);
            customFieldTypeInfos.add(typeInfo(f, field, own));
        }
    }

    private ObjectNode typeInfo(int f, ObjectNode field, List<Integer> own) {
        ObjectNode info = Json.object();
        info.put("description", field.get("description").asText());
        info.put("field_type", field.get("field_type").asText());
        info.put("id", field.get("id").asText());
        info.put("name", field.get("name").asText());
        ArrayNode embedded = info.putArray("options");
        if (own.size() <= EMBEDDED_OPTIONS_LIMIT) {
            own.forEach(o -> embedded.add(options.get(o)));
        }
        info.put("organisation_id", organisationId);
        info.put("dynamic_options", FIELDS.get(f).catalogBacked());
        info.put("rank", (f + 1) * 10);
        info.put("cannot_be_unset", field.get("cannot_be_unset").asBoolean());
        info.put("is_usable", true);
        info.set("condition_groups", Json.array());
        info.put("field_mode", f % 7 == 6 ? "dynamic" : "manual");
        info.put("created_at", field.get("created_at").asText());
        info.put("updated_at", field.get("updated_at").asText());
        return info;
    }

    private static String optionValue(FieldSpec spec, int o, Rand rand) {
        if (spec.options() > 100) {
            return spec.name() + " #" + (o + 1) + (o % 17 == 0 ? " — " + Texts.words(rand, 2) : "");
        }
        return spec.name() + ": " + Texts.words(rand, 2).replace('\n', ' ');
    }

    private void buildPriorities() {
        Ids ids = TableCode.PRIORITY.ids(seed);
        String[] names = {"Urgent", "High", "Low"};
        for (int i = 0; i < names.length; i++) {
            ObjectNode node = Json.object();
            if (i != 1) {
                node.put("description", names[i] + " follow-ups.");
            }
            node.put("id", ids.id(i));
            node.put("name", names[i]);
            node.put("rank", i + 1);
            priorities.add(node);
        }
    }

    /** The position of the timestamp with this id in {@link #timestamps}. */
    int timestampPosition(String id) {
        for (int t = 0; t < timestamps.size(); t++) {
            if (timestamps.get(t).get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no incident timestamp " + id);
    }

    private void buildDurationMetrics() {
        String[] names = {"Time to acknowledge", "Time to resolve"};
        named(TableCode.DURATION_METRIC, names, durationMetrics, (node, i) -> {
            node.put("rank", i + 1);
            node.put("from_timestamp_id", timestamps.get(0).get("id").asText());
            node.put("to_timestamp_id", timestamps.get(i == 0 ? 1 : 5).get("id").asText());
            node.put("metric_type", "duration");
            node.put("calculation_mode", i == 0 ? "exclude_paused" : "include_paused");
            node.put("created_at", created(100 + i));
            node.put("updated_at", updated(100 + i));
            node.put("validate", true);
        });
    }

    private void buildApiKeys(Users users) {
        named(TableCode.API_KEY, new String[] {"Deploy bot", "Status page sync"}, apiKeys, (node, i) -> {
            node.putArray("roles").add("incident_creator");
            node.set("created_by", users.embedded(i));
        });
    }
}
