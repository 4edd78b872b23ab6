package io.incidentsync.simulator;

import java.util.List;

/**
 * The words the simulated catalog is made of: the six catalog types as the account describes them, and the
 * names their entries are drawn from (with accents, emoji and quotes, as real accounts have them).
 */
final class CatalogVocabulary {

    private CatalogVocabulary() {
    }

    static final List<String> SERVICE_WORDS = List.of("checkout", "payments", "search", "auth", "ledger",
            "billing", "notifications", "gateway", "catalog", "inventory", "shipping", "reporting", "pricing",
            "fraud", "identity", "media", "chat", "export", "import", "scheduler");
    static final List<String> SERVICE_SUFFIXES = List.of("api", "worker", "db", "cache", "web", "cron",
            "stream", "proxy", "ml", "edge", "admin", "sync", "queue", "events", "core", "index", "gateway", "ui",
            "batch", "replica", "shard");
    static final List<String> TEAM_NAMES = List.of("Platform", "Payments", "Growth", "Core API", "Data", "Mobile",
            "Security", "SRE", "Search", "Identity", "Billing", "Support tooling", "Infra — ünïcödé", "Frontend",
            "Checkout", "Notifications", "ML", "Ledger", "Edge", "Developer experience", "Compliance",
            "Partnerships", "Analytics", "\"Quoted\" team");
    static final List<String> CUSTOMER_BASES = List.of("Acme", "Globex", "Initech", "Umbrella", "Stark",
            "Müller & Söhne", "Hooli", "Ñandú", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "佐藤商事");
    static final List<String> CUSTOMER_SUFFIXES = List.of("Ltd", "GmbH", "Inc.", "S.A.", "KK", "AB", "Oy",
            "BV", "plc", "Pty");
    static final List<String> FEATURE_AREAS = List.of("Checkout", "Search", "Dashboards", "Billing",
            "Mobile app", "Webhooks", "SSO", "Exports", "Status pages");
    static final List<String> FEATURE_KINDS = List.of("core", "settings", "API", "insights", "beta ✨");
    static final List<String> ENVIRONMENTS = List.of("production", "staging", "development", "sandbox 🧪");
    static final List<String> REGIONS = List.of("eu-west-1", "us-east-1", "ap-northeast-1", "eu-central-1");

    record TypeSpec(String name, String description, List<String> categories, String icon, String color,
                            boolean ranked, String mode, boolean nameIsIdentifier) {
    }

    static final List<TypeSpec> TYPES = List.of(
            new TypeSpec("Service", "Everything we run in production.\nManaged by Terraform.", List.of("service"),
                    "server", "blue", false, "api", true),
            new TypeSpec("Vendor", "Third parties we depend on — \"critical\" ones first.", List.of(), "store",
                    "orange", false, "dashboard", true),
            new TypeSpec("Team", "Engineering teams and who is on them.", List.of("team", "on-call"), "users",
                    "violet", false, "api", false),
            new TypeSpec("Customer", "Paying customers, ranked by ARR.", List.of("customer"), "briefcase", "green",
                    true, "dashboard", false),
            new TypeSpec("Product feature", "Customer-visible features 🧩", List.of("product-feature"), "bulb",
                    "yellow", false, "dashboard", false),
            new TypeSpec("Environment", "Imported from GitHub by the catalog importer.", List.of(), "globe", "cyan",
                    false, "external", false));
}
