package io.incidentsync.run;

import io.incidentsync.api.ApiRequest;
import io.incidentsync.api.Page;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * Paging through a listing (bean {@code tablePaging}): the request the API route sends for the table
 * run's next page, the page it answers and its cursor, the next page fetched ahead while this one is
 * written, and the ids of a parent listing.
 */
public final class TablePaging {

    /** What sends the next page's request ahead of time: the context's, made at the first run. */
    private volatile ProducerTemplate template;

    /** Resets the cursor before a listing (or one partition of it) is walked. */
    public void startListing(Exchange exchange) {
        TableRun.of(exchange).startListing();
    }

    /** Resets the cursor before a parent listing is walked, with no ids yet. */
    public void startParentListing(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        tableRun.startListing();
        tableRun.parentIds = new ArrayList<>();
    }

    /**
     * The first step of every request (route incident-api): the table run's next request, the listing's
     * path, filters, partition, page size and cursor, as the one {@link ApiRequest} the API client reads,
     * with the table's name and meter for its lines and counts.
     */
    public void request(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        exchange.setProperty(ApiRequest.PROPERTY, new ApiRequest(tableRun.getTable(), tableRun.getLoad(),
                tableRun.getPath(), tableRun.getQuery(), tableRun.getPartition(), tableRun.getPageSize(),
                tableRun.getAfter(), tableRun.isMayVanish()));
    }

    /** A request outside any table: the record at {@code path}, which may be gone (404). */
    public TableRun lookup(String path) {
        return TableRun.lookup(path);
    }

    /**
     * While the routes write this page, the next one is already on its way: when the page carried a new
     * cursor, the next request is sent to {@code direct:incident-api} now, asynchronously (an exchange of
     * its own on Camel's ProducerTemplate threads), so a table costs about the larger of its round trips
     * and its writes rather than their sum. The table run's request does not change until the page
     * arrives ({@link #awaitAhead}).
     */
    public void fetchAhead(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        if (!tableRun.isMore()) {
            return;
        }
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    template = exchange.getContext().createProducerTemplate();
                }
            }
        }
        Exchange next = new DefaultExchange(exchange.getContext());
        next.setProperty(TableRun.PROPERTY, tableRun);
        CompletableFuture<Exchange> pending = template.asyncSend("direct:incident-api", next);
        tableRun.ahead = pending;
        if (tableRun.getLoad() != null) {
            tableRun.getLoad().ahead(pending);
        }
    }

    /** The page fetched ahead (see {@link #fetchAhead}); its failure, once it arrives, is this table's. */
    public Page awaitAhead(Exchange exchange) throws Exception {
        TableRun tableRun = TableRun.of(exchange);
        CompletableFuture<Exchange> pending = tableRun.ahead;
        tableRun.ahead = null;
        Exchange done = pending.get();
        if (done.getException() != null) {
            throw done.getException();
        }
        return done.getMessage().getBody(Page.class);
    }

    /**
     * Takes the page the API route fetched (the body): the listing goes on while the page carries a new
     * cursor. A cursor seen before in this listing fails the table: the listing would never end.
     */
    public Page acceptPage(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        Page page = exchange.getMessage().getBody(Page.class);
        boolean paged = !tableRun.getPageSize().isEmpty();
        String sent = tableRun.getAfter();
        boolean more = paged && page.after() != null && !(page.size() == 0 && page.after().equals(sent));
        if (more && !tableRun.newCursor(page.after())) {
            page.close();
            throw new SyncException("GET " + tableRun.getPath() + " answered the cursor '" + abbreviate(page.after())
                    + "' a second time, so the listing would never end; the table keeps its previous rows. "
                    + "If it happens again, report it to incident.io with this path");
        }
        tableRun.more = more;
        tableRun.after = page.after();
        tableRun.page = page;
        return page;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /**
     * Adds the ids of one page of a parent listing (the body, accepted by {@link #acceptPage}) to the
     * table run's parent ids: e.g. every custom field, for its options.
     */
    public void parentIds(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        try (Page page = exchange.getMessage().getBody(Page.class)) {
            for (ObjectNode record : page) {
                tableRun.getParentIds().add(record.path("id").asText());
            }
        }
    }
}
