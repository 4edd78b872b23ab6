package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The v3 catalog: six catalog types, their entries and the resources attributes can be typed with. Entries refer
 * to each other (a service's owning teams, a team's services by backlink, a customer's features) and to users and
 * schedules. The Vendor type is the one the "Vendor" custom field and incidents already point at: its entries keep
 * the ids {@link Catalog} gave them. Fixed sizes, independent of the incident count; built once.
 */
final class CatalogTypes {
    static final int SERVICE = 0;
    static final int VENDOR = 1;
    static final int TEAM = 2;
    static final int CUSTOMER = 3;
    static final int FEATURE = 4;
    static final int ENVIRONMENT = 5;
    static final int TYPE_COUNT = 6;

    /** Entries of each type, by type index; the service type has more than one 250-entry page. */
    private static final int[] SIZES = {420, 7, 24, 130, 45, 4};
    /** How the types' entries are laid out in the entries table: vendors first, as {@link Catalog} numbered them. */
    private static final int[] BLOCKS = {VENDOR, SERVICE, TEAM, CUSTOMER, FEATURE, ENVIRONMENT};
    private static final long DAY = 86_400_000L;

    final List<ObjectNode> types = new ArrayList<>();
    final List<ObjectNode> entries = new ArrayList<>();
    /** The type index of each entry, by entry index. */
    final List<Integer> typeOfEntry = new ArrayList<>();
    final List<ObjectNode> resources = new ArrayList<>();

    private final long seed;
    private final Times times;
    private final Catalog catalog;
    private final Users users;
    private final int userCount;
    private final Schedules schedules;
    private final Ids typeIds;
    private final Ids entryIds;
    private final Ids attributeIds;
    /** Attribute ids by type, in schema order. */
    private final List<List<String>> attributes = new ArrayList<>();
    private final List<List<Integer>> teamsOfService = new ArrayList<>();
    private final ObjectNode[] byIndex;

    CatalogTypes(long seed, Times times, Catalog catalog, Users users, int userCount, Schedules schedules) {
        if (catalog.catalogEntries.size() != SIZES[VENDOR]) {
            throw new IllegalStateException("the vendor block must match Catalog's vendor entries");
        }
        this.seed = seed;
        this.times = times;
        this.catalog = catalog;
        this.users = users;
        this.userCount = userCount;
        this.schedules = schedules;
        typeIds = TableCode.CATALOG_TYPE.ids(seed);
        entryIds = TableCode.CATALOG_ENTRY.ids(seed);
        attributeIds = TableCode.CATALOG_ATTRIBUTE.ids(seed);
        int total = Arrays.stream(SIZES).sum();
        byIndex = new ObjectNode[total];
        buildTypes();
        for (int s = 0; s < SIZES[SERVICE]; s++) {
            teamsOfService.add(owningTeams(s));
        }
        buildEntries();
        entries.addAll(Arrays.asList(byIndex));
        for (int i = 0; i < total; i++) {
            typeOfEntry.add(typeAt(i));
        }
        buildResources();
    }

    /** Where entry k of a type sits in the entries table, and so which id it has. */
    static int entryIndex(int type, int k) {
        int index = 0;
        for (int block : BLOCKS) {
            if (block == type) {
                return index + k;
            }
            index += SIZES[block];
        }
        throw new IllegalArgumentException("no catalog type " + type);
    }

    static int size(int type) {
        return SIZES[type];
    }

    private static int typeAt(int index) {
        int start = 0;
        for (int block : BLOCKS) {
            if (index < start + SIZES[block]) {
                return block;
            }
            start += SIZES[block];
        }
        throw new IllegalArgumentException("no catalog entry " + index);
    }

    String typeId(int type) {
        return typeIds.id(type);
    }

    String entryId(int type, int k) {
        return entryIds.id(entryIndex(type, k));
    }

    ObjectNode entry(int type, int k) {
        return byIndex[entryIndex(type, k)];
    }

    /** The type a catalog_type_id names, or -1. */
    int typeIndex(String id) {
        long index = typeIds.index(id);
        return index >= 0 && index < TYPE_COUNT ? (int) index : -1;
    }

    /** The engine type of an attribute or expression that holds entries of this catalog type. */
    String engineType(int type) {
        return "CatalogEntry[\"" + typeId(type) + "\"]";
    }

    private String attributeId(int type, int k) {
        return attributes.get(type).get(k);
    }

    // ---------------------------------------------------------------- types

    private void buildTypes() {
        int next = 0;
        for (int t = 0; t < TYPE_COUNT; t++) {
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < attributeCount(t); k++) {
                ids.add(attributeIds.id(next++));
            }
            attributes.add(ids);
        }
        for (int t = 0; t < TYPE_COUNT; t++) {
            CatalogVocabulary.TypeSpec spec = CatalogVocabulary.TYPES.get(t);
            ObjectNode node = Json.object();
            ObjectNode annotations = node.putObject("annotations");
            if (spec.mode().equals("api")) {
                annotations.put("incident.io/terraform/version", "3.0.0");
            } else if (spec.mode().equals("external")) {
                annotations.put("incident.io/catalog-importer/version", "v2.4.1");
                annotations.put("incident.io/catalog-importer/sync-id", "prod-" + Ids.encode(Rand.mix(seed), 6));
            }
            ArrayNode categories = node.putArray("categories");
            spec.categories().forEach(categories::add);
            node.put("color", spec.color());
            node.put("created_at", times.at(-300 * DAY + t * 3_600_000L + 11));
            node.put("description", spec.description());
            node.put("estimated_count", SIZES[t]);
            node.put("icon", spec.icon());
            node.put("id", typeId(t));
            node.put("is_editable", !spec.mode().equals("external"));
            if (spec.mode().equals("external")) {
                node.put("last_synced_at", times.at(-2 * DAY + 4_321));
                node.put("registry_type", "github_environment");
                node.put("source_repo_url", "https://github.com/example-org/catalog");
                node.putArray("required_integrations").add("github");
            }
            node.put("name", spec.name());
            node.put("ranked", spec.ranked());
            ObjectNode schema = node.putObject("schema");
            schema.set("attributes", schemaAttributes(t));
            schema.put("version", attributeCount(t) + t % 3);
            node.put("type_name", "Custom[\"" + spec.name().replace(" ", "") + "\"]");
            node.put("updated_at", times.at(-20 * DAY + t * 7_200_000L + 13));
            node.put("engine_resource_type", engineType(t));
            node.put("mode", spec.mode());
            node.put("use_name_as_identifier", spec.nameIsIdentifier());
            types.add(node);
        }
    }

    private static int attributeCount(int type) {
        return switch (type) {
            case SERVICE -> 5;
            case VENDOR -> 2;
            case TEAM -> 4;
            case CUSTOMER -> 5;
            case FEATURE -> 2;
            default -> 2;
        };
    }

    private ArrayNode schemaAttributes(int t) {
        ArrayNode out = Json.array();
        String mode = CatalogVocabulary.TYPES.get(t).mode();
        switch (t) {
            case SERVICE -> {
                out.add(attribute(t, 0, "Tier", "String", false, mode));
                out.add(attribute(t, 1, "Owning teams", engineType(TEAM), true, mode));
                out.add(attribute(t, 2, "Vendors", engineType(VENDOR), true, mode));
                out.add(attribute(t, 3, "Description", "Text", false, mode));
                ObjectNode path = attribute(t, 4, "Team Slack channels", "String", true, "path");
                ArrayNode steps = path.putArray("path");
                steps.addObject().put("attribute_id", attributeId(SERVICE, 1)).put("attribute_name", "Owning teams");
                steps.addObject().put("attribute_id", attributeId(TEAM, 0)).put("attribute_name", "Slack channel");
                out.add(path);
            }
            case VENDOR -> {
                out.add(attribute(t, 0, "Website", "Link", false, mode));
                out.add(attribute(t, 1, "Status page", "Link", false, mode));
            }
            case TEAM -> {
                out.add(attribute(t, 0, "Slack channel", "String", false, mode));
                out.add(attribute(t, 1, "Members", "User", true, mode));
                out.add(attribute(t, 2, "On-call schedule", "Schedule", false, mode));
                out.add(attribute(t, 3, "Services", engineType(SERVICE), true, "backlink")
                        .put("backlink_attribute", attributeId(SERVICE, 1)));
            }
            case CUSTOMER -> {
                out.add(attribute(t, 0, "Plan", "String", false, mode));
                out.add(attribute(t, 1, "ARR (€)", "Number", false, mode));
                out.add(attribute(t, 2, "Features used", engineType(FEATURE), true, mode));
                out.add(attribute(t, 3, "Account manager", "User", false, mode));
                out.add(attribute(t, 4, "Notes — ünïcödé", "Text", false, mode));
            }
            case FEATURE -> {
                out.add(attribute(t, 0, "Owning team", engineType(TEAM), false, mode));
                out.add(attribute(t, 1, "Status", "String", false, mode));
            }
            default -> {
                out.add(attribute(t, 0, "Region", "String", false, mode));
                out.add(attribute(t, 1, "Cloud vendor", engineType(VENDOR), false, mode));
            }
        }
        return out;
    }

    private ObjectNode attribute(int type, int k, String name, String engineType, boolean array, String mode) {
        ObjectNode node = Json.object();
        node.put("array", array);
        node.put("id", attributeId(type, k));
        node.put("mode", mode);
        node.put("name", name);
        node.put("type", engineType);
        return node;
    }

    // ---------------------------------------------------------------- entries

    private List<Integer> owningTeams(int service) {
        int first = service % SIZES[TEAM];
        int second = (service * 7 + 3) % SIZES[TEAM];
        return service % 4 == 0 && second != first ? List.of(first, second) : List.of(first);
    }

    /** A type's entries and the builder of its i-th entry. */
    private record EntryBlock(int type, IntConsumer entry) {
    }

    private void buildEntries() {
        List<EntryBlock> blocks = List.of(new EntryBlock(VENDOR, this::vendor), new EntryBlock(SERVICE, this::service),
                new EntryBlock(TEAM, this::team), new EntryBlock(FEATURE, this::feature),
                new EntryBlock(CUSTOMER, this::customer), new EntryBlock(ENVIRONMENT, this::environment));
        for (EntryBlock block : blocks) {
            for (int i = 0; i < SIZES[block.type()]; i++) {
                block.entry().accept(i);
            }
        }
    }

    private ObjectNode newEntry(int type, int k, String name, int rank) {
        int index = entryIndex(type, k);
        Rand rand = new Rand(seed, TableCode.CATALOG_ENTRY.ordinal(), index);
        long created = -250 * DAY + index * 2_220_000L + rand.nextInt(60_000);
        ObjectNode node = Json.object();
        node.putArray("aliases");
        node.putObject("attribute_values");
        node.put("catalog_type_id", typeId(type));
        node.put("created_at", times.at(created));
        node.put("id", entryIds.id(index));
        node.put("name", name);
        node.put("rank", rank);
        node.put("updated_at", times.at(created + rand.nextInt(20 * 86_400_000)));
        byIndex[index] = node;
        return node;
    }

    private static ObjectNode binding(String label, String literal, int sortKey) {
        ObjectNode node = Json.object();
        node.put("label", label);
        node.put("literal", literal);
        node.put("sort_key", sortKey);
        return node;
    }

    private static void single(ObjectNode entry, String attributeId, String label, String literal) {
        ((ObjectNode) entry.get("attribute_values")).putObject(attributeId).set("value", binding(label, literal, 0));
    }

    private static ArrayNode multiple(ObjectNode entry, String attributeId) {
        return ((ObjectNode) entry.get("attribute_values")).putObject(attributeId).putArray("array_value");
    }

    private void vendor(int v) {
        ObjectNode old = catalog.catalogEntries.get(v);
        ObjectNode node = newEntry(VENDOR, v, old.get("name").asText(), 0);
        if (old.has("aliases")) {
            ((ArrayNode) node.get("aliases")).addAll((ArrayNode) old.get("aliases"));
        }
        if (old.has("external_id")) {
            node.put("external_id", old.get("external_id").asText());
        }
        String slug = old.get("name").asText().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z]+", "");
        single(node, attributeId(VENDOR, 0), "https://www." + slug + ".example.com", "https://www." + slug + ".example.com");
        if (v % 2 == 1) {
            single(node, attributeId(VENDOR, 1), "status." + slug + ".example.com", "https://status." + slug + ".example.com");
        }
    }

    private void service(int s) {
        Rand rand = new Rand(seed, TableCode.CATALOG_ENTRY.ordinal() + 100, s);
        String word = CatalogVocabulary.SERVICE_WORDS.get(s / CatalogVocabulary.SERVICE_SUFFIXES.size());
        String suffix = CatalogVocabulary.SERVICE_SUFFIXES.get(s % CatalogVocabulary.SERVICE_SUFFIXES.size());
        String name = word + "-" + suffix + (s % 61 == 17 ? " (zürich)" : "") + (s % 97 == 50 ? " 🚀" : "");
        ObjectNode node = newEntry(SERVICE, s, name, 0);
        ArrayNode aliases = (ArrayNode) node.get("aliases");
        if (s % 3 == 0) {
            aliases.add(word + "_" + suffix);
        }
        if (s % 5 == 0) {
            aliases.add("svc-" + (s + 1));
        }
        if (s % 2 == 0) {
            node.put("external_id", "svc-" + (s + 1));
        }
        if (s % 101 == 37) {
            node.put("archived_at", node.get("updated_at").asText());
        }
        int tier = 1 + rand.nextInt(3);
        single(node, attributeId(SERVICE, 0), "Tier " + tier, "tier_" + tier);
        ArrayNode teams = multiple(node, attributeId(SERVICE, 1));
        ArrayNode channels = Json.array();
        List<Integer> owners = teamsOfService.get(s);
        for (int k = 0; k < owners.size(); k++) {
            int team = owners.get(k);
            teams.add(binding(CatalogVocabulary.TEAM_NAMES.get(team), entryId(TEAM, team), k));
            channels.add(binding(teamChannel(team), teamChannel(team), k));
        }
        if (s % 4 == 1) {
            ArrayNode vendors = multiple(node, attributeId(SERVICE, 2));
            int count = rand.between(1, 2);
            for (int k = 0; k < count; k++) {
                int v = (s + k * 3) % SIZES[VENDOR];
                vendors.add(binding(catalog.catalogEntries.get(v).get("name").asText(), entryId(VENDOR, v), k));
            }
        }
        if (s % 3 != 2) {
            String text = Texts.words(rand, rand.between(3, 12));
            single(node, attributeId(SERVICE, 3), text, text);
        }
        ((ObjectNode) node.get("attribute_values")).putObject(attributeId(SERVICE, 4)).set("array_value", channels);
    }

    private static String teamChannel(int team) {
        return "#team-" + CatalogVocabulary.TEAM_NAMES.get(team).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z]+", "-").replaceAll("(^-|-$)", "");
    }

    private void team(int t) {
        Rand rand = new Rand(seed, TableCode.CATALOG_ENTRY.ordinal() + 200, t);
        ObjectNode node = newEntry(TEAM, t, CatalogVocabulary.TEAM_NAMES.get(t), 0);
        ((ArrayNode) node.get("aliases")).add(teamChannel(t).substring(1));
        node.put("external_id", "github-team-" + (t + 1));
        single(node, attributeId(TEAM, 0), teamChannel(t), teamChannel(t));
        ArrayNode members = multiple(node, attributeId(TEAM, 1));
        int count = rand.between(2, 5);
        for (int k = 0; k < count; k++) {
            int user = (t * 5 + k * 3) % userCount;
            members.add(binding(users.embedded(user).get("name").asText(), users.ids().id(user), k));
        }
        int schedule = t % schedules.count();
        single(node, attributeId(TEAM, 2), schedules.name(schedule), schedules.ids().id(schedule));
        ArrayNode services = multiple(node, attributeId(TEAM, 3));
        for (int s = 0; s < SIZES[SERVICE]; s++) {
            if (teamsOfService.get(s).contains(t)) {
                services.add(binding(entry(SERVICE, s).get("name").asText(), entryId(SERVICE, s), services.size()));
            }
        }
    }

    private void feature(int f) {
        Rand rand = new Rand(seed, TableCode.CATALOG_ENTRY.ordinal() + 300, f);
        String name = CatalogVocabulary.FEATURE_AREAS.get(f / CatalogVocabulary.FEATURE_KINDS.size()) + " " + CatalogVocabulary.FEATURE_KINDS.get(f % CatalogVocabulary.FEATURE_KINDS.size());
        ObjectNode node = newEntry(FEATURE, f, name, 0);
        int team = (f * 5) % SIZES[TEAM];
        single(node, attributeId(FEATURE, 0), CatalogVocabulary.TEAM_NAMES.get(team), entryId(TEAM, team));
        String status = rand.pick(List.of("GA", "GA", "Beta", "Deprecated"));
        single(node, attributeId(FEATURE, 1), status, status.toLowerCase(java.util.Locale.ROOT));
    }

    private void customer(int c) {
        Rand rand = new Rand(seed, TableCode.CATALOG_ENTRY.ordinal() + 400, c);
        String base = CatalogVocabulary.CUSTOMER_BASES.get(c / CatalogVocabulary.CUSTOMER_SUFFIXES.size());
        ObjectNode node = newEntry(CUSTOMER, c, base + " " + CatalogVocabulary.CUSTOMER_SUFFIXES.get(c % CatalogVocabulary.CUSTOMER_SUFFIXES.size()), c + 1);
        if (c % 4 == 0) {
            ((ArrayNode) node.get("aliases")).add(base.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "-" + c);
        }
        node.put("external_id", "cus_" + Ids.encode(Rand.mix(seed * 11 + c), 14).toLowerCase(java.util.Locale.ROOT));
        String plan = rand.pick(List.of("Enterprise", "Growth", "Startup"));
        single(node, attributeId(CUSTOMER, 0), plan, plan.toLowerCase(java.util.Locale.ROOT));
        String arr = Integer.toString(1_000 * rand.between(5, 2_500));
        single(node, attributeId(CUSTOMER, 1), arr, arr);
        ArrayNode features = multiple(node, attributeId(CUSTOMER, 2));
        int count = rand.between(1, 4);
        for (int k = 0; k < count; k++) {
            int f = (c * 3 + k * 11) % SIZES[FEATURE];
            features.add(binding(entry(FEATURE, f).get("name").asText(), entryId(FEATURE, f), k));
        }
        int manager = (c * 7 + 1) % userCount;
        single(node, attributeId(CUSTOMER, 3), users.embedded(manager).get("name").asText(), users.ids().id(manager));
        if (c % 5 == 0) {
            String notes = "Renewal in Q" + (1 + c % 4) + ".\nSays \"call before 9am\" — " + Texts.words(rand, 3);
            single(node, attributeId(CUSTOMER, 4), notes, notes);
        }
    }

    private void environment(int e) {
        ObjectNode node = newEntry(ENVIRONMENT, e, CatalogVocabulary.ENVIRONMENTS.get(e), 0);
        node.put("external_id", "env-" + CatalogVocabulary.ENVIRONMENTS.get(e).split(" ")[0]);
        single(node, attributeId(ENVIRONMENT, 0), CatalogVocabulary.REGIONS.get(e), CatalogVocabulary.REGIONS.get(e));
        int vendor = e % 2;
        single(node, attributeId(ENVIRONMENT, 1), catalog.catalogEntries.get(vendor).get("name").asText(),
                entryId(VENDOR, vendor));
    }

    // ---------------------------------------------------------------- resources

    private void buildResources() {
        String[][] primitives = {
                {"Bool", "Boolean", "Either true or false."},
                {"Link", "Link", "A URL, e.g. \"https://example.com\"."},
                {"Number", "Number", "A decimal number; 1.5 or 42."},
                {"Schedule", "On-call schedule", "The ID of an incident.io schedule."},
                {"String", "String", "Any single line of text."},
                {"Text", "Rich text", "Text with formatting.\nMay span lines."},
                {"User", "User", "An incident.io user, by ID or e-mail address."}};
        for (String[] p : primitives) {
            ObjectNode node = resource(p[0], p[1], p[2], "primitive", p[0].equals("User"));
            node.putObject("config");
            resources.add(node);
        }
        for (int t = 0; t < TYPE_COUNT; t++) {
            ObjectNode node = resource(engineType(t), CatalogVocabulary.TYPES.get(t).name(), CatalogVocabulary.TYPES.get(t).description(), "custom", false);
            node.putObject("config").put("catalog_type_id", typeId(t));
            resources.add(node);
        }
        String[][] external = {
                {"GitHubRepository", "GitHub repository", "github", "The repository's full name, e.g. \"acme/api\"."},
                {"GoogleGroup", "Google group", "google_workspace", "The group's e-mail address."},
                {"JiraProject", "Jira project", "jira", "The project key, e.g. OPS."},
                {"OpsgenieTeam", "Opsgenie team", "opsgenie", "The team's ID in Opsgenie."},
                {"PagerDutyService", "PagerDuty service", "pager_duty", "The service ID, e.g. PABC123."},
                {"SlackChannel", "Slack channel", "slack", "The channel ID, e.g. C0123ABCD."},
                {"SlackUserGroup", "Slack user group", "slack", "The user group's handle — without the @."}};
        for (String[] e : external) {
            ObjectNode node = resource(e[0], e[1], e[3], "external", false);
            node.putObject("config").put("integration", e[2]);
            resources.add(node);
        }
        resources.sort(Comparator.comparing(r -> r.get("type").asText()));
    }

    private static ObjectNode resource(String type, String label, String docstring, String category, boolean userLink) {
        ObjectNode node = Json.object();
        node.put("category", category);
        node.put("description", label + " values in the catalog.");
        node.put("label", label);
        node.put("type", type);
        node.put("value_docstring", docstring);
        node.put("is_user_link", userLink);
        return node;
    }

    /** A service entry's "Owning teams" values: label and literal (the team entry's id) of each. */
    ArrayNode owningTeamValues(int service) {
        return (ArrayNode) entry(SERVICE, service).get("attribute_values").get(attributeId(SERVICE, 1))
                .get("array_value");
    }

    /** The embedded AlertAttributeCatalogEntryV2 form of an entry: the entry minus what alerts do not carry. */
    ObjectNode alertEmbedded(int type, int k) {
        ObjectNode source = entry(type, k);
        ObjectNode node = Json.object();
        node.set("aliases", source.get("aliases"));
        node.set("attribute_values", source.get("attribute_values"));
        node.put("catalog_type_id", source.get("catalog_type_id").asText());
        node.put("created_at", source.get("created_at").asText());
        node.put("id", source.get("id").asText());
        node.put("name", source.get("name").asText());
        node.put("rank", source.get("rank").asInt());
        node.put("updated_at", source.get("updated_at").asText());
        return node;
    }
}
