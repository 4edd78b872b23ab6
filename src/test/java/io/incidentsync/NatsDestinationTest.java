package io.incidentsync;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NATS as a destination, against a real server with JetStream (INCIDENT_TEST_NATS_URL): a 300-incident sync
 * with incident.destinations set to one nats URI delivers every record of every table exactly once, as the
 * record's JSON with the incidentTable, incidentRunId and incidentExtractedAt NATS headers. With
 * jetstreamEnabled=true each record is acknowledged by the stream that captures the subject (created here
 * before the sync, read back after it), and a subject that no stream captures fails the tables; without it
 * the records are plain core NATS messages, seen by a subscription that was there before the sync.
 */
@Tag(ServerTests.NATS)
class NatsDestinationTest {

    SyncHarness h;
    Connection nats;
    String url;
    String subject;
    String stream;
    final BrokerDeliveries deliveries = new BrokerDeliveries();

    @BeforeEach
    void start() throws Exception {
        url = TestBrokers.NATS.reachableUrl();
        h = SyncHarness.start(300);
        String id = UUID.randomUUID().toString().replace("-", "");
        subject = "incident-test." + id + ".records";
        stream = "INCIDENT_TEST_" + id;
        nats = Nats.connect(new Options.Builder().server(url).connectionName("incident-sync-test").build());
    }

    @AfterEach
    void stop() throws Exception {
        if (nats != null) {
            try {
                JetStreamManagement jsm = nats.jetStreamManagement();
                if (jsm.getStreamNames().contains(stream)) {
                    jsm.deleteStream(stream);
                }
            } finally {
                nats.close();
            }
        }
        if (h != null) {
            h.close();
        }
    }

    static Map<String, String> headers(Headers headers) {
        Map<String, String> out = new LinkedHashMap<>();
        if (headers != null) {
            for (String name : headers.keySet()) {
                List<String> values = headers.get(name);
                out.put(name, values.size() == 1 ? values.get(0) : values.toString());
            }
        }
        return out;
    }

    @Test
    void everyRecordIsAcknowledgedByTheStreamOnceWithItsTableHeader() throws Exception {
        JetStreamManagement jsm = nats.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject).storageType(StorageType.Memory).build());
        h.settings.put("incident.destinations", "nats:" + subject + "?servers=" + url + "&jetstreamEnabled=true");
        long started = System.nanoTime();
        assertEquals(0, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        long syncMillis = (System.nanoTime() - started) / 1_000_000;

        // every publish was acknowledged before the sync went on: the stream holds them all already
        long stored = jsm.getStreamInfo(stream).getStreamState().getMsgCount();
        for (long seq = 1; seq <= stored; seq++) {
            MessageInfo m = jsm.getMessage(stream, seq);
            deliveries.add(new BrokerDeliveries.Delivery(new String(m.getData(), StandardCharsets.UTF_8), headers(m.getHeaders()),
                    m.getSubject() + " #" + seq));
        }
        List<BrokerDeliveries.Delivery> got = deliveries.snapshot();
        Map<String, Integer> perTable = BrokerDeliveries.assertEveryRecordOnce(h, got, d -> d.header("incidentTable"), true);
        assertEquals(BrokerDeliveries.expectedTotal(h), got.size(), "messages in the stream");
        for (BrokerDeliveries.Delivery d : got) {
            assertTrue(d.where().startsWith(subject + " #"), d.where());
            assertEquals(Set.of("incidentTable", "incidentRunId", "incidentExtractedAt"), d.headers().keySet());
        }
        System.out.println("NATS JetStream: " + got.size() + " records stored once each " + perTable + ", sync " + syncMillis + " ms");
    }

    @Test
    void everyRecordReachesACoreSubscriptionOnceWithItsTableHeader() throws Exception {
        Dispatcher dispatcher = nats.createDispatcher(m -> deliveries.add(new BrokerDeliveries.Delivery(
                new String(m.getData(), StandardCharsets.UTF_8), headers(m.getHeaders()), m.getSubject())));
        dispatcher.subscribe(subject);
        nats.flush(Duration.ofSeconds(5));
        // two servers (the same one twice): a comma inside a destination's option is written %2C
        h.settings.put("incident.destinations", "nats:" + subject + "?servers=" + url + "%2C" + url);
        BrokerDeliveries.Received received = deliveries.syncAndAwait(h);
        Map<String, Integer> perTable = received.everyRecordOnce(h, d -> d.header("incidentTable"), true);
        List<BrokerDeliveries.Delivery> got = received.got();
        for (BrokerDeliveries.Delivery d : got) {
            assertEquals(subject, d.where());
            assertEquals(Set.of("incidentTable", "incidentRunId", "incidentExtractedAt"), d.headers().keySet());
        }
        assertEquals(0, dispatcher.getDroppedCount(), "messages the subscription dropped");
        System.out.println("NATS core: " + got.size() + " records received once each " + perTable + ", sync " + received.syncMillis() + " ms");
    }

    @Test
    void aSubjectNoStreamCapturesFailsTheTablesNamingTheDestination() throws Exception {
        String destination = "nats:" + subject + "?servers=" + url + "&jetstreamEnabled=true";
        h.settings.put("incident.destinations", destination);
        h.settings.put("incident.streams", "severities,incident_types");
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        assertTrue(h.lastErr.contains("the destination " + destination + " failed on record "), h.lastErr);
        assertEquals(List.of("failed", "failed"), h.column("SELECT status FROM _sync_runs ORDER BY table_name"), h.lastErr);
    }
}
