package io.incidentsync.run;

import io.incidentsync.api.Page;
import io.incidentsync.store.Sql;
import io.incidentsync.store.TableLoad;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;

import static io.incidentsync.run.IncidentSync.LOG;

/**
 * A table's writes (bean {@code tableWrites}): each record to its row, the statements that write a
 * page (or the rows that filled a statement first, or waited on disk), one page's write in flight per
 * table on the writers' pool, and the statements allowed to fail.
 */
public final class TableWrites {

    /** Converts the record (the body) to its table's row; the table run's {@code flush} says when the rows fill a statement. */
    public void addRecord(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        TableLoad load = tableRun.getLoad();
        ObjectNode record = exchange.getMessage().getBody(ObjectNode.class);
        // before the record goes anywhere: its row, its JSON columns, the destinations
        tableRun.leftOut.apply(tableRun.getTable(), record);
        String parentField = tableRun.getPartitionField();
        if (parentField != null && !record.has(parentField)) {
            // the parent's id, which the record itself does not carry (a schedule entry its schedule's)
            String partition = tableRun.getPartition();
            ObjectNode tagged = Page.MAPPER.createObjectNode();
            tagged.put(parentField, partition.substring(partition.indexOf('=') + 1));
            tagged.setAll(record);
            record = tagged;
            exchange.getMessage().setBody(record);
        }
        load.add(record);
        tableRun.flush = load.isBatchFull();
    }

    /** The rows waiting, as statements, when they fill a statement before their page ends. */
    public Iterator<Sql> flushBatch(Exchange exchange) throws Exception {
        TableLoad load = TableRun.of(exchange).getLoad();
        load.awaitWrites();
        return load.writes();
    }

    /** Ends a page; the body becomes the statements that write it. */
    public List<Sql> endPage(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        Page page = tableRun.page;
        if (page != null) {
            page.close();
        }
        return tableRun.getLoad().endPage();
    }

    /** Waits for the previous page's write before this one is handed to the writers (one in flight per table). */
    public void beforeWrite(Exchange exchange) throws Exception {
        TableRun.of(exchange).getLoad().beforeWrite();
    }

    /** A page's write on the writers' pool (route write-page) has ended well. */
    public void pageWritten(Exchange exchange) {
        TableRun.of(exchange).getLoad().afterWrite(null);
    }

    /** A page's write on the writers' pool has failed: the table's route fails with it at its next write. */
    public void pageWriteFailed(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        TableRun tableRun = TableRun.of(exchange);
        tableRun.getLoad().afterWrite(failure != null ? failure
                : new SyncException("writing a page of " + tableRun.getTable() + " failed"));
    }

    /** Waits for the table's page write in flight; its failure becomes the table's. */
    public void awaitWrites(Exchange exchange) throws Exception {
        TableRun.of(exchange).getLoad().awaitWrites();
    }

    /** Rows that waited on disk for the child listings: the body becomes their statements. */
    public Iterator<Sql> drain(Exchange exchange) throws Exception {
        return TableRun.of(exchange).getLoad().drain();
    }

    /** A statement allowed to fail has failed: its warning, with the database's reason. */
    public void tolerate(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String warning = exchange.getProperty("sqlTolerated", String.class);
        LOG.warn("{} ({})", warning, cause instanceof SQLException e ? IncidentSync.reason(e) : String.valueOf(cause));
    }
}
