package io.incidentsync.run;

import io.incidentsync.api.Page;
import io.incidentsync.destinations.MqttHeaders;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import java.util.List;

/**
 * Each record to the endpoints of incident.destinations (bean {@code recordDestinations}): the message
 * they receive, the endpoint of each turn, and the line when one fails.
 */
public final class RecordDestinations {

    /** The headers every destination message carries. */
    static final List<String> DESTINATION_HEADERS = List.of("incidentTable", "incidentRunId", "incidentExtractedAt");

    /**
     * Makes the record the message every destination of incident.destinations receives: the record's
     * JSON text, and headers naming its table, the run and the extraction time. Each destination gets
     * a copy of this message (the route's loop copies it), so no destination sees another's output.
     */
    public void toDestinationMessage(Exchange exchange) {
        TableRun tableRun = TableRun.of(exchange);
        SyncRun run = tableRun.getRun();
        ObjectNode record = exchange.getMessage().getBody(ObjectNode.class);
        exchange.setProperty("recordId", record.path("id").asText(""));
        org.apache.camel.Message message = exchange.getMessage();
        String json = Page.json(record);
        // kept so that a destination's failure can be told without the record's values
        exchange.setProperty("recordJson", json);
        message.setBody(json);
        message.setHeader("incidentTable", tableRun.getTable());
        message.setHeader("incidentRunId", run.id());
        message.setHeader("incidentExtractedAt", run.startedAt().toString());
    }

    /**
     * The destination of this turn of the route's loop. On its own copy of the message, a paho-mqtt5
     * destination gets the headers as MQTT 5 user properties, which that component publishes.
     */
    public String destination(Exchange exchange) {
        List<String> list = TableRun.of(exchange).getDestinations();
        String uri = list.get(exchange.getProperty(Exchange.LOOP_INDEX, Integer.class));
        if (uri.startsWith("paho-mqtt5:")) {
            MqttHeaders.carry(exchange.getMessage(), DESTINATION_HEADERS);
        }
        return uri;
    }

    /** A destination failed: the table fails with a line naming the destination, the record and the cause. */
    public void destinationFailed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String destination = org.apache.camel.util.URISupport.sanitizeUri(exchange.getProperty("destination", String.class));
        throw new SyncException("the destination " + destination + " failed on record "
                + exchange.getProperty("recordId", String.class) + ": "
                + CauseText.of(root, exchange.getProperty("recordJson", String.class))
                + "; the table keeps its previous rows; fix the destination or take it out of incident.destinations"
                + " (INCIDENT_DESTINATIONS)");
    }
}
