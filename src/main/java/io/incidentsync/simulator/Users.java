package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Users, generated from their index on demand. */
final class Users {
    private static final List<String> FIRST = List.of("Ana", "Björn", "Chloé", "Dmitri", "Eşref", "Fatima", "Graham",
            "Hiroshi", "Ingrid", "José", "Kwame", "Łucja", "Mateo", "Noor", "Oisín", "Priya", "Quentin", "Rūta",
            "Søren", "Tomás", "Ulla", "Viktor", "Wei", "Xóchitl", "Yusuf", "Zoë", "美咲", "Αλέξης");
    private static final List<String> LAST = List.of("O'Neill", "Müller", "García", "Nakamura", "Kowalski",
            "Okafor", "Smith", "Johansson", "Dubois", "Rossi", "Nguyen", "Levi", "Иванова", "佐藤", "van der Berg");
    private static final List<String> ROLES = List.of("viewer", "responder", "administrator", "owner", "unset");

    private final long seed;
    private final Ids ids;
    private final String organisationId;

    Users(long seed) {
        this.seed = seed;
        this.ids = TableCode.USER.ids(seed);
        this.organisationId = TableCode.ORGANISATION.ids(seed).id(1);
    }

    Ids ids() {
        return ids;
    }

    /** The UserV2 shape embedded in incidents, actions and follow-ups. */
    ObjectNode embedded(int index) {
        Rand rand = new Rand(seed, TableCode.USER.ordinal(), index);
        String first = rand.pick(FIRST);
        String last = rand.pick(LAST);
        String role = index < 2 ? "owner" : rand.pick(ROLES);
        boolean hasEmail = rand.chance(0.9);
        boolean hasSlack = rand.chance(0.8);
        ObjectNode node = Json.object();
        if (hasEmail) {
            node.put("email", ascii(first) + "." + ascii(last) + index + "@example.com");
        }
        node.put("id", ids.id(index));
        node.put("name", first + " " + last);
        node.put("role", role);
        if (hasSlack) {
            node.put("slack_user_id", "U" + Ids.encode(Rand.mix(seed + index), 10));
        }
        node.put("slack_role", role.equals("owner") ? "primary_owner" : "member");
        node.put("deprecated_base_role", role);
        node.put("organisation_id", organisationId);
        return node;
    }

    /** The UserWithRolesV2 shape the users listing serves. */
    ObjectNode listed(int index, Catalog catalog) {
        ObjectNode embedded = embedded(index);
        ObjectNode node = Json.object();
        String role = embedded.get("role").asText();
        int base = switch (role) {
            case "viewer", "unset" -> 0;
            case "responder" -> 1;
            case "administrator" -> 2;
            default -> 3;
        };
        node.set("base_role", catalog.rbacRoles.get(base));
        ArrayNode custom = node.putArray("custom_roles");
        if (index % 7 == 3) {
            custom.add(catalog.rbacRoles.get(4 + index % 2));
        }
        embedded.fields().forEachRemaining(e -> node.set(e.getKey(), e.getValue()));
        return node;
    }

    private static String ascii(String name) {
        String plain = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)
                .replaceAll("[^A-Za-z]", "").toLowerCase(java.util.Locale.ROOT);
        return plain.isEmpty() ? "user" : plain;
    }
}
