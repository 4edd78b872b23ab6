package io.incidentsync.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch of changes did, published at once: the ids of the records it created, updated and deleted, per
 * table (incidents, incident_updates, follow_ups, actions), in the order it changed them. Records that vanished with
 * a deleted incident (its updates, follow-ups, actions, alert links, attachments) are not listed here: ask
 * {@link Oracle#records} for what is left.
 */
public final class ChangeSet {
    private final Instant at;
    private final Map<String, List<String>> created;
    private final Map<String, List<String>> updated;
    private final Map<String, List<String>> deleted;

    ChangeSet(Instant at, Map<String, List<String>> created, Map<String, List<String>> updated,
              Map<String, List<String>> deleted) {
        this.at = at;
        this.created = copy(created);
        this.updated = copy(updated);
        this.deleted = copy(deleted);
    }

    /** The simulated moment the batch was applied at: the created_at and updated_at it stamped. */
    public Instant at() {
        return at;
    }

    /** Ids of records of table the batch created, in the order created. */
    public List<String> created(String table) {
        return created.getOrDefault(table, List.of());
    }

    /**
     * Ids of records of table the batch edited, in the order edited (an id edited twice is listed twice; one edited
     * and then deleted in the same batch is listed here and under {@link #deleted}).
     */
    public List<String> updated(String table) {
        return updated.getOrDefault(table, List.of());
    }

    /** Ids of records of table the batch deleted. */
    public List<String> deleted(String table) {
        return deleted.getOrDefault(table, List.of());
    }

    public boolean isEmpty() {
        return created.isEmpty() && updated.isEmpty() && deleted.isEmpty();
    }

    /**
     * One line: the moment, then per table what was created (+), edited (~) and deleted (-), naming the ids when
     * there are few, e.g. "2024-03-12T09:00:05Z incidents ~01HQ...K9, incident_updates +01HQ...2D".
     */
    @Override
    public String toString() {
        List<String> tables = new ArrayList<>();
        for (Map<String, List<String>> m : List.of(created, updated, deleted)) {
            m.keySet().stream().filter(t -> !tables.contains(t)).forEach(tables::add);
        }
        StringBuilder out = new StringBuilder(at.toString());
        if (tables.isEmpty()) {
            return out.append(" nothing changed").toString();
        }
        for (int i = 0; i < tables.size(); i++) {
            String t = tables.get(i);
            out.append(i == 0 ? " " : ", ").append(t);
            describe(out, '+', created(t));
            describe(out, '~', updated(t));
            describe(out, '-', deleted(t));
        }
        return out.toString();
    }

    private static void describe(StringBuilder out, char sign, List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        if (ids.size() > 3) {
            out.append(' ').append(sign).append(ids.size());
            return;
        }
        ids.forEach(id -> out.append(' ').append(sign).append(id));
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> lists) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        lists.forEach((table, ids) -> {
            if (!ids.isEmpty()) {
                out.put(table, List.copyOf(ids));
            }
        });
        return java.util.Collections.unmodifiableMap(out);
    }
}
