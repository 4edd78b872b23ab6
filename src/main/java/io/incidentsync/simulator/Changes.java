package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The simulated clock and what happens to the data as it runs: incidents, incident updates, follow-ups and actions
 * created, edited and deleted. Seeded: the same seed and the same sequence of calls give the same records, ids and
 * timestamps, byte for byte. Thread-safe: calls are applied one batch at a time, and each batch is published whole,
 * so a page being served sees all of a batch or none of it.
 *
 * <p>Each method is one batch; {@link #apply} makes several one. The clock moves only by {@link #advance}; every
 * record a batch creates or edits is stamped with its "now" (created_at, updated_at), which starts at 09:00 UTC on the
 * day after everything the generated data set holds.
 *
 * <p>A deleted incident answers 404 on GET /v2/incidents/{id} and leaves every listing; its updates, follow-ups,
 * actions, alert links and attachments leave theirs with it, as incident.io's do. No webhook reports a deletion
 * (incident.io has none). Creations and edits emit the spec's webhook events ({@link Webhooks}).
 */
public final class Changes {
    private static final String INCIDENTS = "incidents";
    private static final String UPDATES = "incident_updates";
    private static final String FOLLOW_UPS = "follow_ups";
    private static final String ACTIONS = "actions";

    private final DataSet data;
    private final Timeline timeline;
    private final Webhooks webhooks;
    private final long seed;
    private final Edits edits;
    private final List<Consumer<ChangeSet>> listeners = new CopyOnWriteArrayList<>();

    Changes(DataSet data, Webhooks webhooks, long seed) {
        this.data = data;
        this.timeline = data.timeline;
        this.webhooks = webhooks;
        this.seed = seed;
        this.edits = new Edits(data);
    }

    /** The simulated clock's current moment. */
    public Instant now() {
        return data.times.instant(timeline.published().nowOffset());
    }

    /**
     * Moves the clock forward; what is created or edited from then on is stamped with the new now.
     *
     * @throws IllegalArgumentException for a negative duration: the clock never goes back
     */
    public Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the simulated clock never goes back; advance by zero or more");
        }
        return apply(batch -> batch.next.nowOffset(batch.next.nowOffset() + by.toMillis())).at();
    }

    /** Applies several changes as one batch, published at once; returns what it did. */
    public ChangeSet apply(Consumer<Batch> changes) {
        ChangeSet done;
        synchronized (this) {
            Batch batch = new Batch(timeline.published().next());
            try (Timeline.Pin pin = timeline.pin(batch.next)) {
                changes.accept(batch);
            }
            timeline.publish(batch.next.freeze());
            batch.closed = true;
            // in the lock, so message ids follow the order batches were applied in
            webhooks.emit(batch.events);
            done = new ChangeSet(data.times.instant(batch.next.nowOffset()), batch.created, batch.updated,
                    batch.deleted);
        }
        if (!done.isEmpty()) {
            listeners.forEach(listener -> listener.accept(done));
        }
        return done;
    }

    /** Creates n incidents, each with its first update and often a follow-up and an action; returns their ids. */
    public List<String> addIncidents(int n) {
        return apply(b -> b.addIncidents(n)).created(INCIDENTS);
    }

    /**
     * Edits n incidents picked at random (see {@link Batch#editIncidents}); returns their ids (fewer when fewer are
     * left).
     */
    public List<String> editIncidents(int n) {
        return apply(b -> b.editIncidents(n)).updated(INCIDENTS);
    }

    /** Deletes n incidents picked at random; returns their ids. */
    public List<String> deleteIncidents(int n) {
        return apply(b -> b.deleteIncidents(n)).deleted(INCIDENTS);
    }

    public String editIncident(String id) {
        return apply(b -> b.editIncident(id)).updated(INCIDENTS).get(0);
    }

    public String deleteIncident(String id) {
        return apply(b -> b.deleteIncident(id)).deleted(INCIDENTS).get(0);
    }

    /** Posts n incident updates on incidents picked at random; returns the updates' ids. */
    public List<String> addIncidentUpdates(int n) {
        return apply(b -> b.addIncidentUpdates(n)).created(UPDATES);
    }

    public List<String> addFollowUps(int n) {
        return apply(b -> b.addFollowUps(n)).created(FOLLOW_UPS);
    }

    public List<String> editFollowUps(int n) {
        return apply(b -> b.editFollowUps(n)).updated(FOLLOW_UPS);
    }

    public String editFollowUp(String id) {
        return apply(b -> b.editFollowUp(id)).updated(FOLLOW_UPS).get(0);
    }

    public List<String> addActions(int n) {
        return apply(b -> b.addActions(n)).created(ACTIONS);
    }

    public String editAction(String id) {
        return apply(b -> b.editAction(id)).updated(ACTIONS).get(0);
    }

    public List<String> editActions(int n) {
        return apply(b -> b.editActions(n)).updated(ACTIONS);
    }

    /**
     * One change drawn at random from the seed, as {@code simulate --change-every} applies them: an incident edited
     * (most often), created or deleted, an update posted, a follow-up or action created or edited.
     */
    public ChangeSet random() {
        return apply(Batch::random);
    }

    /** Called after every batch that changed a record, on the thread that applied it, e.g. to print what changed. */
    public void onChange(Consumer<ChangeSet> listener) {
        listeners.add(listener);
    }

    /**
     * Changes inside one batch. Valid only within {@link Changes#apply}; every method draws its own random stream
     * from the seed and the number of changes made before it.
     */
    public final class Batch {
        private final Overlay next;
        private final Map<String, List<String>> created = new LinkedHashMap<>();
        private final Map<String, List<String>> updated = new LinkedHashMap<>();
        private final Map<String, List<String>> deleted = new LinkedHashMap<>();
        private final List<WebhookPayloads.Draft> events = new ArrayList<>();
        private boolean closed;

        private Batch(Overlay next) {
            this.next = next;
        }

        /** The batch's now: what it stamps records with. */
        public Instant now() {
            return data.times.instant(next.nowOffset());
        }

        public List<String> addIncidents(int n) {
            Rand rand = rand();
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < count(n); k++) {
                int incident = edits.addIncident(next, rand);
                ids.add(note(created, INCIDENTS, incident));
                events.add(WebhookPayloads.incident("created", record(INCIDENTS, incident)));
                note(created, UPDATES, edits.addUpdate(next, incident, rand));
                if (rand.chance(0.5)) {
                    addChild(FOLLOW_UPS, incident);
                }
                if (rand.chance(0.6)) {
                    addChild(ACTIONS, incident);
                }
            }
            return ids;
        }

        /**
         * Edits n distinct incidents picked at random, of any mode, status or visibility: each gets a new name and
         * often a new status, a summary note, a severity or a custom field text; its updated_at becomes now. A status
         * change also posts an incident update, as a third of the other edits do.
         */
        public List<String> editIncidents(int n) {
            Rand rand = rand();
            List<String> ids = new ArrayList<>();
            for (int incident : edits.pick(INCIDENTS, count(n), rand)) {
                ids.add(editIncident(incident, rand));
            }
            return ids;
        }

        /**
         * Edits the incident with this id.
         *
         * @throws IllegalArgumentException when there is none (or it was deleted)
         */
        public String editIncident(String id) {
            return editIncident(liveIndex(INCIDENTS, id), rand());
        }

        /** Deletes n distinct incidents picked at random. */
        public List<String> deleteIncidents(int n) {
            Rand rand = rand();
            List<String> ids = new ArrayList<>();
            for (int incident : edits.pick(INCIDENTS, count(n), rand)) {
                edits.deleteIncident(next, incident);
                ids.add(note(deleted, INCIDENTS, incident));
            }
            return ids;
        }

        /**
         * Deletes the incident with this id.
         *
         * @throws IllegalArgumentException when there is none (or it was deleted)
         */
        public String deleteIncident(String id) {
            int incident = liveIndex(INCIDENTS, id);
            edits.deleteIncident(next, incident);
            return note(deleted, INCIDENTS, incident);
        }

        /** Posts an update on each of n incidents picked at random; returns the updates' ids. */
        public List<String> addIncidentUpdates(int n) {
            Rand rand = rand();
            List<String> ids = new ArrayList<>();
            for (int incident : edits.pick(INCIDENTS, count(n), rand)) {
                ids.add(note(created, UPDATES, edits.addUpdate(next, incident, rand)));
            }
            return ids;
        }

        /** Creates a follow-up on each of n incidents picked at random. */
        public List<String> addFollowUps(int n) {
            return addChildren(FOLLOW_UPS, n);
        }

        /** Creates an action on each of n incidents picked at random. */
        public List<String> addActions(int n) {
            return addChildren(ACTIONS, n);
        }

        /** Moves n follow-ups picked at random to another status and retitles them; updated_at becomes now. */
        public List<String> editFollowUps(int n) {
            return editChildren(FOLLOW_UPS, n);
        }

        /** Moves n actions picked at random to another status and rewords them; updated_at becomes now. */
        public List<String> editActions(int n) {
            return editChildren(ACTIONS, n);
        }

        /** Edits the follow-up with this id. @throws IllegalArgumentException when there is none (or it is gone) */
        public String editFollowUp(String id) {
            return editChild(FOLLOW_UPS, liveIndex(FOLLOW_UPS, id), rand());
        }

        /** Edits the action with this id. @throws IllegalArgumentException when there is none (or it is gone) */
        public String editAction(String id) {
            return editChild(ACTIONS, liveIndex(ACTIONS, id), rand());
        }

        /** One change drawn at random; see {@link Changes#random}. */
        public void random() {
            double pick = rand().nextDouble();
            if (pick < 0.40) {
                editIncidents(1);
            } else if (pick < 0.55) {
                addIncidents(1);
            } else if (pick < 0.60) {
                deleteIncidents(1);
            } else if (pick < 0.70) {
                addIncidentUpdates(1);
            } else if (pick < 0.80) {
                editFollowUps(1);
            } else if (pick < 0.85) {
                addFollowUps(1);
            } else if (pick < 0.95) {
                editActions(1);
            } else {
                addActions(1);
            }
        }

        private String editIncident(int incident, Rand rand) {
            ObjectNode previousStatus = data.catalog.statuses.get(data.incidents.facts(incident).status());
            Edits.IncidentEdit edit = edits.editIncident(next, incident, rand);
            String id = note(updated, INCIDENTS, incident);
            if (edit.updateIndex() >= 0) {
                note(created, UPDATES, edit.updateIndex());
            }
            ObjectNode record = record(INCIDENTS, incident);
            events.add(WebhookPayloads.incident("updated", record));
            if (edit.statusChanged() && !data.incidents.facts(incident).isPrivate()) {
                String message = edit.updateIndex() < 0 ? null
                        : record(UPDATES, edit.updateIndex()).path("message").asText(null);
                events.add(WebhookPayloads.statusUpdated(record, previousStatus, message));
            }
            return id;
        }

        private List<String> addChildren(String table, int n) {
            Rand rand = rand();
            List<String> ids = new ArrayList<>();
            for (int incident : edits.pick(INCIDENTS, count(n), rand)) {
                ids.add(addChild(table, incident));
            }
            return ids;
        }

        private String addChild(String table, int incident) {
            int index = edits.addChild(next, table, incident);
            events.add(WebhookPayloads.child(table, "created", record(table, index),
                    data.incidents.facts(incident).isPrivate()));
            return note(created, table, index);
        }

        private List<String> editChildren(String table, int n) {
            Rand rand = rand();
            List<String> ids = new ArrayList<>();
            for (int index : edits.pick(table, count(n), rand)) {
                ids.add(editChild(table, index, rand));
            }
            return ids;
        }

        private String editChild(String table, int index, Rand rand) {
            edits.editChild(next, table, index, rand);
            int incident = data.children.parent(table, index);
            events.add(WebhookPayloads.child(table, "updated", record(table, index),
                    data.incidents.facts(incident).isPrivate()));
            return note(updated, table, index);
        }

        /** The record as the API serves it now (with any unknown-field faults), for a webhook body. */
        private ObjectNode record(String table, int index) {
            return data.table(table).record(index);
        }

        private int liveIndex(String table, String id) {
            open();
            long index = data.table(table).indexOf(id);
            if (index < 0 || index >= Integer.MAX_VALUE || !edits.live(table, (int) index)) {
                throw new IllegalArgumentException("no " + table + " record with id '" + id + "' to change");
            }
            return (int) index;
        }

        private Rand rand() {
            open();
            return new Rand(seed, TableCode.CHANGE.ordinal(), next.nextSequence());
        }

        private void open() {
            if (closed) {
                throw new IllegalStateException("a batch is applied once Changes.apply returns; start another");
            }
        }

        private String note(Map<String, List<String>> what, String table, int index) {
            String id = data.table(table).id(index);
            what.computeIfAbsent(table, t -> new ArrayList<>()).add(id);
            return id;
        }

        private int count(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("a count of changes must not be negative, got " + n);
            }
            return n;
        }
    }
}
