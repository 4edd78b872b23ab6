package io.incidentsync.simulator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * Misbehaviour on demand. Thread-safe. k is 1-based and counts the requests to that path from the moment the fault
 * is set, so a test can say "the third request from now" without knowing what ran before.
 */
public final class Faults {
    enum Kind { STATUS, RESET, SLOW, TRUNCATE, HTML, RATE_LIMIT }

    private record Rule(String path, long first, long last, Kind kind, long argument) {
    }

    private record PageRule(String path, long page, boolean add, AtomicBoolean done) {
    }

    /** What to do to one request; the zero plan answers normally. */
    record Plan(boolean reset, long slowMillis, int status, boolean html, boolean truncate, boolean rateLimited,
                String forbiddenScope) {
    }

    private final DataSet data;
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pages = new ConcurrentHashMap<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<PageRule> pageRules = new CopyOnWriteArrayList<>();
    private final Map<String, String> forbidden = new ConcurrentHashMap<>();

    Faults(DataSet data) {
        this.data = data;
    }

    /** Answers status (e.g. 500, 502, 503) with an error body on the k-th request. */
    public Faults status(String path, int k, int status) {
        return statusBurst(path, k, 1, status);
    }

    /** Answers status on requests k .. k+count-1. */
    public Faults statusBurst(String path, int k, int count, int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a fault status must be 4xx or 5xx, not " + status);
        }
        return rule(path, k, count, Kind.STATUS, status);
    }

    /** Drops the connection with a TCP reset instead of answering the k-th request. */
    public Faults reset(String path, int k) {
        return rule(path, k, 1, Kind.RESET, 0);
    }

    /** Answers the k-th request only after millis. */
    public Faults slow(String path, int k, long millis) {
        return rule(path, k, 1, Kind.SLOW, millis);
    }

    /** Answers the k-th request 200 with its JSON body cut off mid-record (Content-Length matches what is sent). */
    public Faults truncate(String path, int k) {
        return rule(path, k, 1, Kind.TRUNCATE, 0);
    }

    /** Answers the k-th request 502 with an HTML page, as a proxy in front of the API would. */
    public Faults html(String path, int k) {
        return rule(path, k, 1, Kind.HTML, 0);
    }

    /** Answers 429 (documented body and Retry-After) on requests k .. k+count-1 whatever the buckets hold. */
    public Faults rateLimitBurst(String path, int k, int count) {
        return rule(path, k, count, Kind.RATE_LIMIT, 0);
    }

    /** Every request to path answers 403 missing_required_scope naming scope. */
    public Faults forbidden(String path, String scope) {
        forbidden.put(path, scope);
        return this;
    }

    /** Once the page-th page of that listing has been served, a new record is created; it sorts last. */
    public Faults addRecordAfterPage(String path, int page) {
        return pageRule(path, page, true);
    }

    /** Once the page-th page of that listing has been served, a record not yet served is deleted. */
    public Faults removeRecordAfterPage(String path, int page) {
        return pageRule(path, page, false);
    }

    /** Every record of table gains field; value is a String, Number, Boolean, a Map for a nested object or a List for an array. */
    public Faults unknownField(String table, String field, Object value) {
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof Map
                || value instanceof java.util.List)) {
            throw new IllegalArgumentException("an unknown field's value must be a String, Number, Boolean, Map or List");
        }
        data.table(table).unknownField(field, value);
        return this;
    }

    /**
     * Every record of table whose {@code field} is an object keyed by data (a catalog entry's
     * {@code attribute_values}) gains the entry {@code key}: an attribute the account added, say.
     */
    public Faults mapEntry(String table, String field, String key, Map<String, Object> value) {
        data.table(table).mapEntry(field, key, value);
        return this;
    }

    /** Removes every fault; records already added or removed stay so. */
    public void clear() {
        rules.clear();
        pageRules.clear();
        forbidden.clear();
        data.tableNames().forEach(name -> data.table(name).clearFaults());
    }

    private Faults rule(String path, int k, int count, Kind kind, long argument) {
        if (k < 1 || count < 1) {
            throw new IllegalArgumentException("k and count start at 1");
        }
        long base = counter(requests, path).get();
        rules.add(new Rule(path, base + k, base + k + count - 1, kind, argument));
        return this;
    }

    private Faults pageRule(String path, int page, boolean add) {
        if (page < 1) {
            throw new IllegalArgumentException("page starts at 1");
        }
        pageRules.add(new PageRule(path, counter(pages, path).get() + page, add, new AtomicBoolean()));
        return this;
    }

    private static AtomicLong counter(Map<String, AtomicLong> counters, String path) {
        return counters.computeIfAbsent(path, p -> new AtomicLong());
    }

    /** Counts a request to path and says what to do to it. */
    Plan onRequest(String path) {
        long n = counter(requests, path).incrementAndGet();
        boolean reset = false;
        boolean html = false;
        boolean truncate = false;
        boolean rateLimited = false;
        long slow = 0;
        int status = 0;
        for (Rule rule : rules) {
            if (!rule.path().equals(path) || n < rule.first() || n > rule.last()) {
                continue;
            }
            switch (rule.kind()) {
                case RESET -> reset = true;
                case SLOW -> slow = Math.max(slow, rule.argument());
                case STATUS -> status = (int) rule.argument();
                case HTML -> html = true;
                case TRUNCATE -> truncate = true;
                case RATE_LIMIT -> rateLimited = true;
            }
        }
        return new Plan(reset, slow, status, html, truncate, rateLimited, forbidden.get(path));
    }

    /**
     * Counts a page served from table and applies the add/remove faults due after it. lastIndex is the last record
     * on the page; matches is what the listing's filters let through, so a removed record is one the walk would
     * have seen next.
     */
    void onPageServed(String path, Table table, int lastIndex, IntPredicate matches) {
        long page = counter(pages, path).incrementAndGet();
        for (PageRule rule : pageRules) {
            if (rule.path().equals(path) && rule.page() == page && rule.done().compareAndSet(false, true)) {
                if (rule.add()) {
                    table.add();
                } else {
                    removeNext(table, lastIndex, matches);
                }
            }
        }
    }

    private static void removeNext(Table table, int lastIndex, IntPredicate matches) {
        int fallback = -1;
        for (int i = lastIndex + 1; i < table.size(); i++) {
            if (!table.exists(i)) {
                continue;
            }
            if (matches.test(i)) {
                table.remove(i);
                return;
            }
            if (fallback < 0) {
                fallback = i;
            }
        }
        if (fallback >= 0) {
            table.remove(fallback);
        }
    }
}
