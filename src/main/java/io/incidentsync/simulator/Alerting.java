package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Alerts and what surrounds them. Six alert sources, eight alert routes and ten alert attributes are built once;
 * alerts and the incident-alert links are generated from their index whenever served ({@link Escalations} the
 * escalations).
 *
 * <p>max(3, N/2) alerts for N incidents. Alert a is linked to an incident unless a % 3 == 2 (two thirds are), to
 * incident (2a + a % 2) mod N, and fired a few minutes before that incident was created; link l is alert
 * (l / 2) * 3 + l % 2, so both directions are arithmetic. max(2, N/10) escalations; escalation e is about alert
 * 5e mod A.
 */
final class Alerting {
    private static final long DAY = 86_400_000L;

    private record SourceSpec(String name, String type, double weight) {
    }

    private static final List<SourceSpec> SOURCES = List.of(
            new SourceSpec("Datadog — production 🐶", "datadog", 0.35),
            new SourceSpec("Grafana \"SLO\" alerts", "grafana", 0.25),
            new SourceSpec("Ops mailbox", "email", 0.10),
            new SourceSpec("Jira service desk", "jira", 0.05),
            new SourceSpec("Custom HTTP\nwebhook", "http", 0.15),
            new SourceSpec("CloudWatch eu-west-1", "cloudwatch", 0.10));
    private static final List<String> ROUTES = List.of("Default route", "Production → Platform on-call",
            "Payments 💳", "Security \"critical\"", "Low priority (email only)", "Customer-facing", "Data pipeline",
            "Staging — ignore");
    private static final List<String> TITLES = List.of("High error rate", "Latency above SLO", "Disk almost full",
            "Pod crash looping", "Certificate expires soon", "5xx spike", "Queue backlog growing", "Heartbeat missed");
    private static final List<String> THEMES = List.of("latency", "database", "deploy", "capacity", "network",
            "third-party", "security");
    private static final List<String> TAGS = List.of("team:platform", "env:prod", "severity:high", "k8s", "db",
            "ünïcödé", "on-call");

    static final int ATTRIBUTE_SERVICE = 0;
    static final int ATTRIBUTE_TEAMS = 1;
    private record AttributeSpec(String name, int catalogType, String type, boolean array) {
    }

    private static final List<AttributeSpec> ATTRIBUTES = List.of(
            new AttributeSpec("Service", CatalogTypes.SERVICE, null, false),
            new AttributeSpec("Affected teams", CatalogTypes.TEAM, null, true),
            new AttributeSpec("Environment", CatalogTypes.ENVIRONMENT, null, false),
            new AttributeSpec("Priority", -1, "String", false),
            new AttributeSpec("Region", -1, "String", false),
            new AttributeSpec("Runbook URL", -1, "Link", false),
            new AttributeSpec("Tags", -1, "String", true),
            new AttributeSpec("Customer", CatalogTypes.CUSTOMER, null, false),
            new AttributeSpec("Host", -1, "String", false),
            new AttributeSpec("Error rate (%)", -1, "Number", false));

    final List<ObjectNode> sources = new ArrayList<>();
    final List<ObjectNode> routes = new ArrayList<>();
    final List<ObjectNode> attributes = new ArrayList<>();

    private final long seed;
    private final int incidentCount;
    private final int alertCount;
    private final Times times;
    private final Catalog catalog;
    private final Incidents incidents;
    private final CatalogTypes catalogTypes;
    private final Ids alertIds;
    private final Ids linkIds;

    Alerting(long seed, int incidentCount, Times times, Catalog catalog, Incidents incidents,
             CatalogTypes catalogTypes) {
        this.seed = seed;
        this.incidentCount = incidentCount;
        this.alertCount = Math.max(3, incidentCount / 2);
        this.times = times;
        this.catalog = catalog;
        this.incidents = incidents;
        this.catalogTypes = catalogTypes;
        alertIds = TableCode.ALERT.ids(seed);
        linkIds = TableCode.INCIDENT_ALERT.ids(seed);
        buildRoutes();
        buildAttributes();
        buildSources();
    }

    int alertCount() {
        return alertCount;
    }

    int linkCount() {
        return alertCount / 3 * 2 + Math.min(alertCount % 3, 2);
    }

    boolean linked(int alert) {
        return alert < alertCount && alert % 3 != 2;
    }

    int incidentOf(int alert) {
        return (int) ((2L * alert + alert % 2) % incidentCount);
    }

    static int alertOfLink(int link) {
        return link / 2 * 3 + link % 2;
    }

    int linkIncident(int link) {
        return incidentOf(alertOfLink(link));
    }

    Ids alertIds() {
        return alertIds;
    }

    // ---------------------------------------------------------------- fixed configuration

    private void buildRoutes() {
        Ids ids = TableCode.ALERT_ROUTE.ids(seed);
        for (int r = 0; r < ROUTES.size(); r++) {
            ObjectNode node = Json.object();
            node.put("enabled", r != ROUTES.size() - 1);
            node.put("id", ids.id(r));
            node.put("name", ROUTES.get(r));
            routes.add(node);
        }
    }

    private String attributeType(AttributeSpec spec) {
        return spec.catalogType() >= 0 ? catalogTypes.engineType(spec.catalogType()) : spec.type();
    }

    private void buildAttributes() {
        Ids ids = TableCode.ALERT_ATTRIBUTE.ids(seed);
        for (int a = 0; a < ATTRIBUTES.size(); a++) {
            AttributeSpec spec = ATTRIBUTES.get(a);
            ObjectNode node = Json.object();
            node.put("array", spec.array());
            node.put("id", ids.id(a));
            node.put("name", spec.name());
            node.put("type", attributeType(spec));
            attributes.add(node);
        }
    }

    private List<Integer> routesOf(int source) {
        List<Integer> out = new ArrayList<>(List.of(source % routes.size(), (source + 3) % routes.size()));
        if (source % 2 == 0) {
            out.add((source + 5) % routes.size());
        }
        return out;
    }

    private void buildSources() {
        Ids ids = TableCode.ALERT_SOURCE.ids(seed);
        Ids expressionIds = TableCode.EXPRESSION.ids(seed);
        for (int s = 0; s < SOURCES.size(); s++) {
            SourceSpec spec = SOURCES.get(s);
            ObjectNode node = Json.object();
            if (spec.type().equals("email")) {
                node.putObject("email_options").put("email_address",
                        "ops-" + Ids.encode(Rand.mix(seed + s), 6).toLowerCase(java.util.Locale.ROOT) + "@alerts.example.com");
            }
            node.put("id", ids.id(s));
            if (spec.type().equals("jira")) {
                node.putObject("jira_options").putArray("project_ids").add("10001").add("10004");
            }
            node.put("name", spec.name());
            if (spec.type().equals("http")) {
                node.put("secret_token", Ids.encode(Rand.mix(seed * 5 + s), 26).toLowerCase(java.util.Locale.ROOT));
            }
            node.put("source_type", spec.type());
            node.set("template", template(s, expressionIds.id(100L + s)));
            node.put("organisation_id", catalog.organisationId);
            node.put("state", s == 3 ? "paused" : "active");
            ObjectNode kind = node.putObject("alert_source");
            kind.put("source_type", spec.type());
            kind.put("name", spec.type().substring(0, 1).toUpperCase(java.util.Locale.ROOT) + spec.type().substring(1));
            kind.put("docs_url", "https://docs.incident.io/alerts/" + spec.type());
            node.put("created_at", times.at(-180 * DAY + s * 7_200_000L + 19));
            node.put("updated_at", times.at(-30 * DAY + s * 3_600_000L + 23));
            ArrayNode routeIds = node.putArray("alert_route_ids");
            routesOf(s).forEach(r -> routeIds.add(routes.get(r).get("id").asText()));
            node.put("auto_ack_in_source", s % 2 == 1);
            sources.add(node);
        }
    }

    private ObjectNode template(int source, String expressionId) {
        ObjectNode template = Json.object();
        ArrayNode bindings = template.putArray("attributes");
        ArrayNode expressions = template.putArray("expressions");
        boolean withExpression = source == 0 || source == 1 || source == 4;
        if (withExpression) {
            ObjectNode expression = Engine.expression(expressionId, "Service from tags", "payload",
                    Engine.returns(catalogTypes.engineType(CatalogTypes.SERVICE), false));
            Engine.navigate(expression, "payload.tags", "Payload → Tags", Engine.returns("String", true));
            Engine.parse(expression, "$.tags[?(@.key == \"service\")].value",
                    Engine.returns(catalogTypes.engineType(CatalogTypes.SERVICE), false));
            Engine.elseBranch(expression, Engine.single(Engine.literal(
                    catalogTypes.entry(CatalogTypes.SERVICE, 0).get("name").asText(),
                    catalogTypes.entryId(CatalogTypes.SERVICE, 0), 0)));
            expressions.add(expression);
            bindings.add(templateAttribute(ATTRIBUTE_SERVICE, Engine.single(Engine.reference("Service from tags",
                    "expressions[\"" + expressionId + "\"]", 0))));
        }
        bindings.add(templateAttribute(3, Engine.single(Engine.reference("Payload → priority", "payload.priority", 0))));
        if (source % 2 == 0) {
            bindings.add(templateAttribute(6, Engine.many(Engine.reference("Payload → tags", "payload.tags", 0),
                    Engine.literal("alerting", "alerting", 1))));
        }
        if (source != 2) {
            int environment = source % CatalogTypes.size(CatalogTypes.ENVIRONMENT);
            bindings.add(templateAttribute(2, Engine.single(Engine.literal(
                    catalogTypes.entry(CatalogTypes.ENVIRONMENT, environment).get("name").asText(),
                    catalogTypes.entryId(CatalogTypes.ENVIRONMENT, environment), 0))));
        }
        template.set("description", Engine.reference("Payload → description", "payload.description", 0));
        template.set("title", Engine.reference("Payload → title", "payload.title", 0));
        return template;
    }

    private ObjectNode templateAttribute(int attribute, ObjectNode binding) {
        ObjectNode node = Json.object();
        node.put("alert_attribute_id", attributes.get(attribute).get("id").asText());
        node.set("binding", binding);
        return node;
    }

    // ---------------------------------------------------------------- alerts

    /** When an alert fired, resolved (or -1) and last changed, as offsets from the data set's epoch. */
    record Timing(long created, long resolved, long updated) {
    }

    Timing timing(int alert) {
        Rand rand = new Rand(seed, TableCode.ALERT.ordinal() + 100, alert);
        long created = linked(alert)
                ? incidents.createdOffset(incidentOf(alert)) - rand.between(30_000, 900_000)
                : (2L * alert + 1) * incidents.spacing() + (long) (rand.nextDouble() * (incidents.spacing() / 2));
        boolean resolved = rand.chance(linked(alert) ? 0.9 : 0.8);
        long resolvedAt = resolved ? times.beforeNow(created, created + rand.between(60_000, 6 * 3_600_000)) : -1;
        long updated = resolved ? resolvedAt : times.beforeNow(created, created + rand.nextInt(600_000));
        return new Timing(created, resolvedAt, updated);
    }

    /** Which alert source an alert came from; a stream of its own, so links and escalations can ask cheaply. */
    private int sourceOf(int alert) {
        double pick = new Rand(seed, TableCode.ALERT.ordinal() + 200, alert).nextDouble();
        for (int s = 0; s < SOURCES.size(); s++) {
            pick -= SOURCES.get(s).weight();
            if (pick < 0) {
                return s;
            }
        }
        return SOURCES.size() - 1;
    }

    ObjectNode alert(int alert) {
        Rand rand = new Rand(seed, TableCode.ALERT.ordinal(), alert);
        int source = sourceOf(alert);
        ObjectNode sourceNode = sources.get(source);
        String sourceType = SOURCES.get(source).type();
        Timing timing = timing(alert);
        int service = rand.nextInt(CatalogTypes.size(CatalogTypes.SERVICE));
        ObjectNode serviceEntry = catalogTypes.entry(CatalogTypes.SERVICE, service);
        ObjectNode node = Json.object();
        node.put("alert_source_id", sourceNode.get("id").asText());
        ArrayNode attributeList = node.putArray("attributes");
        ObjectNode attributeValues = Json.object();
        alertAttributes(rand, alert, service, attributeList, attributeValues);
        node.put("created_at", times.at(timing.created()));
        node.put("deduplication_key", sourceType + "-" + Ids.encode(Rand.mix(seed * 13 + alert), 12).toLowerCase(java.util.Locale.ROOT));
        if (rand.chance(0.7)) {
            node.put("description", Texts.words(rand, rand.between(5, 30)));
        }
        node.put("id", alertIds.id(alert));
        if (timing.resolved() >= 0) {
            node.put("resolved_at", times.at(timing.resolved()));
        }
        if (rand.chance(0.6)) {
            node.put("source_url", sourceUrl(sourceType, alert));
        }
        node.put("status", timing.resolved() >= 0 ? "resolved" : "firing");
        node.put("title", rand.pick(TITLES) + " on " + serviceEntry.get("name").asText());
        node.put("updated_at", times.at(timing.updated()));
        node.put("alert_source_config_id", sourceNode.get("id").asText());
        node.put("source_type", sourceType);
        node.set("attribute_values", attributeValues);
        ArrayNode failures = node.putArray("evaluation_failures");
        if (alert % 23 == 5) {
            ObjectNode failure = failures.addObject();
            failure.put("alert_attribute_id", attributes.get(7).get("id").asText());
            failure.put("message", "No catalog entry matched \"acme-eu\"");
        }
        ObjectNode kind = node.putObject("alert_source");
        kind.put("id", sourceNode.get("id").asText());
        kind.put("name", sourceNode.get("name").asText());
        kind.put("source_type", sourceType);
        ArrayNode themes = node.putArray("themes");
        int themeCount = rand.nextInt(3);
        int firstTheme = rand.nextInt(THEMES.size());
        for (int k = 0; k < themeCount; k++) {
            themes.add(THEMES.get((firstTheme + k) % THEMES.size()));
        }
        return node;
    }

    private static String sourceUrl(String type, int alert) {
        return switch (type) {
            case "datadog" -> "https://app.datadoghq.com/monitors/" + (1000 + alert % 400);
            case "grafana" -> "https://grafana.example.com/alerting/grafana/" + (alert % 97) + "/view";
            case "jira" -> "https://example.atlassian.net/browse/OPS-" + (alert + 1);
            case "cloudwatch" -> "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/a"
                    + (alert % 50);
            default -> "https://alerts.example.com/a/" + (alert + 1) + "?q=\"x y\"";
        };
    }

    /** Fills the alert's attributes (AlertAttributeEntryV2s) and the same values keyed by attribute id. */
    private void alertAttributes(Rand rand, int alert, int service, ArrayNode list, ObjectNode byId) {
        catalogValue(ATTRIBUTE_SERVICE, CatalogTypes.SERVICE, service, list, byId);
        if (rand.chance(0.7)) {
            // the teams that own the service, as its catalog entry says
            ArrayNode owners = catalogTypes.owningTeamValues(service);
            ObjectNode entry = attributeEntry(ATTRIBUTE_TEAMS);
            ArrayNode values = entry.putArray("array_value");
            ArrayNode plain = byId.putObject(attributeId(ATTRIBUTE_TEAMS)).putArray("array_value");
            for (var owner : owners) {
                ObjectNode value = Json.object();
                value.put("label", owner.get("label").asText());
                value.put("literal", owner.get("literal").asText());
                values.add(value);
                plain.add(value.deepCopy());
            }
            list.add(entry);
        }
        if (rand.chance(0.8)) {
            catalogValue(2, CatalogTypes.ENVIRONMENT, rand.nextInt(CatalogTypes.size(CatalogTypes.ENVIRONMENT)), list, byId);
        }
        String priority = "P" + rand.between(1, 4);
        literalValue(3, priority, priority.toLowerCase(java.util.Locale.ROOT), list, byId);
        if (rand.chance(0.6)) {
            String region = rand.pick(List.of("eu-west-1", "us-east-1", "ap-northeast-1"));
            literalValue(4, region, region, list, byId);
        }
        if (rand.chance(0.4)) {
            String url = "https://runbooks.example.com/" + alert % 40 + "#step-1";
            literalValue(5, url, url, list, byId);
        }
        if (rand.chance(0.6)) {
            ObjectNode entry = attributeEntry(6);
            ArrayNode values = entry.putArray("array_value");
            ArrayNode plain = byId.putObject(attributeId(6)).putArray("array_value");
            int count = rand.between(1, 3);
            int first = rand.nextInt(TAGS.size());
            for (int k = 0; k < count; k++) {
                String tag = TAGS.get((first + k) % TAGS.size());
                ObjectNode value = Json.object();
                value.put("label", tag);
                value.put("literal", tag);
                values.add(value);
                plain.add(value.deepCopy());
            }
            list.add(entry);
        }
        if (rand.chance(0.2)) {
            catalogValue(7, CatalogTypes.CUSTOMER, rand.nextInt(CatalogTypes.size(CatalogTypes.CUSTOMER)), list, byId);
        }
        if (rand.chance(0.5)) {
            String host = "ip-10-0-" + rand.nextInt(256) + "-" + rand.nextInt(256) + ".eu-west-1.compute.internal";
            literalValue(8, host, host, list, byId);
        }
        if (rand.chance(0.3)) {
            String rate = rand.nextInt(100) + "." + rand.nextInt(10);
            literalValue(9, rate, rate, list, byId);
        }
    }

    private String attributeId(int attribute) {
        return attributes.get(attribute).get("id").asText();
    }

    private ObjectNode attributeEntry(int attribute) {
        ObjectNode entry = Json.object();
        entry.set("attribute", attributes.get(attribute));
        return entry;
    }

    private void catalogValue(int attribute, int type, int k, ArrayNode list, ObjectNode byId) {
        ObjectNode catalogEntry = catalogTypes.entry(type, k);
        ObjectNode entry = attributeEntry(attribute);
        ObjectNode value = entry.putObject("value");
        value.set("catalog_entry", catalogTypes.alertEmbedded(type, k));
        value.put("label", catalogEntry.get("name").asText());
        value.put("literal", catalogEntry.get("id").asText());
        list.add(entry);
        ObjectNode plain = byId.putObject(attributeId(attribute)).putObject("value");
        plain.put("label", catalogEntry.get("name").asText());
        plain.put("literal", catalogEntry.get("id").asText());
    }

    private void literalValue(int attribute, String label, String literal, ArrayNode list, ObjectNode byId) {
        ObjectNode entry = attributeEntry(attribute);
        ObjectNode value = entry.putObject("value");
        value.put("label", label);
        value.put("literal", literal);
        list.add(entry);
        byId.putObject(attributeId(attribute)).set("value", value.deepCopy());
    }

    /** The AlertSlimV2 form of an alert, as incident alerts and escalations embed it. */
    ObjectNode slim(int alert) {
        ObjectNode full = alert(alert);
        ObjectNode node = Json.object();
        for (String field : List.of("alert_source_id", "created_at", "deduplication_key", "description", "id",
                "resolved_at", "source_url", "status", "title", "updated_at", "source_type")) {
            if (full.has(field)) {
                node.set(field, full.get(field));
            }
        }
        return node;
    }

    /** IncidentSlimV2, whose status categories are named differently: active for live, post-incident for learning. */
    ObjectNode incidentSlim(int incident) {
        ObjectNode full = incidents.record(incident);
        String category = full.at("/incident_status/category").asText();
        ObjectNode node = Json.object();
        node.put("external_id", incident + 1);
        node.put("id", full.get("id").asText());
        node.put("name", full.get("name").asText());
        node.put("reference", full.get("reference").asText());
        node.put("status_category", switch (category) {
            case "live" -> "active";
            case "learning" -> "post-incident";
            default -> category;
        });
        node.put("visibility", full.get("visibility").asText());
        return node;
    }

    ObjectNode incidentAlert(int link) {
        int alert = alertOfLink(link);
        List<Integer> sourceRoutes = routesOf(sourceOf(alert));
        ObjectNode node = Json.object();
        node.set("alert", slim(alert));
        node.put("alert_route_id", routes.get(sourceRoutes.get(alert % sourceRoutes.size())).get("id").asText());
        node.put("id", linkIds.id(link));
        node.set("incident", incidentSlim(incidentOf(alert)));
        return node;
    }
}
