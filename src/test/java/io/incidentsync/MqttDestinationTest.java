package io.incidentsync;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT (Mosquitto) as a destination, against a real broker (INCIDENT_TEST_MQTT_URL): a 300-incident sync
 * with incident.destinations set to one paho-mqtt5 URI publishes every record of every table exactly once
 * as the record's JSON, seen by a subscriber that was there before the sync.
 * <p>
 * The URI asks for QoS 0. With QoS 1 or 2 (the component's default is 2) the MQTT client refuses publishes
 * with "Too many publishes in progress" and the tables fail: it counts a publish in flight until its
 * acknowledgement has been handled on its callback thread, after it already let the publisher go on, and
 * refuses at the broker's receive maximum (Mosquitto's default: 20), even with one table at a time.
 * <p>
 * camel-paho-mqtt5 publishes no Camel header (only its own CamelPahoMqtt5* headers steer it), so the
 * incidentTable header does not travel as a user property; a route from incident.routes.extra that puts the
 * table into the topic carries it, and is proven here too.
 */
@Tag(ServerTests.MQTT)
class MqttDestinationTest {

    SyncHarness h;
    MqttClient subscriber;
    String base;
    String brokerUrl;
    final BrokerDeliveries deliveries = new BrokerDeliveries();
    final AtomicInteger flaggedDuplicate = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        brokerUrl = TestBrokers.MQTT.reachableUrl();
        h = SyncHarness.start(300);
        base = "incident-test/" + UUID.randomUUID();
    }

    @AfterEach
    void stop() throws Exception {
        if (subscriber != null) {
            try {
                if (subscriber.isConnected()) {
                    subscriber.disconnect();
                }
            } finally {
                subscriber.close();
            }
        }
        if (h != null) {
            h.close();
        }
    }

    /** Subscribes to the filter at {@code qos} from now on, recording each message with its topic and user properties. */
    void subscribe(String filter, int qos) throws MqttException {
        subscriber = new MqttClient(brokerUrl, "incident-sync-test-" + UUID.randomUUID(), new MemoryPersistence());
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Map<String, String> properties = new LinkedHashMap<>();
                MqttProperties p = message.getProperties();
                if (p != null && p.getUserProperties() != null) {
                    for (UserProperty u : p.getUserProperties()) {
                        properties.put(u.getKey(), u.getValue());
                    }
                }
                if (message.isDuplicate()) {
                    flaggedDuplicate.incrementAndGet();
                }
                deliveries.add(new BrokerDeliveries.Delivery(new String(message.getPayload(), StandardCharsets.UTF_8),
                        properties, topic));
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        subscriber.connect(options);
        subscriber.subscribe(filter, qos);
    }

    @Test
    void everyRecordArrivesOnceAsItsJson() throws Exception {
        String topic = base + "/records";
        subscribe(topic, 1);
        h.settings.put("incident.destinations", "paho-mqtt5:" + topic + "?brokerUrl=" + brokerUrl + "&qos=0");
        BrokerDeliveries.Received received = deliveries.syncAndAwait(h);
        List<BrokerDeliveries.Delivery> got = received.got();
        // the record's own text tells its table (no two records of different tables are equal), and the
        // incidentTable user property must say the same
        Map<JsonNode, String> tables = BrokerDeliveries.tablesByRecord(h);
        Map<String, Integer> perTable = received.everyRecordOnce(h, d -> {
            String table = tables.get(OracleComparison.parse(d.body()));
            assertEquals(table, d.header("incidentTable"), "user property incidentTable of a " + table + " record");
            assertEquals(java.util.Set.of("incidentTable", "incidentRunId", "incidentExtractedAt"), d.headers().keySet());
            return table;
        }, true);
        got.forEach(d -> assertEquals(topic, d.where()));
        assertEquals(0, flaggedDuplicate.get(), "messages the broker marked as redelivered");
        System.out.println("MQTT: " + got.size() + " records received once each " + perTable + ", user properties "
                + got.get(0).headers().keySet() + ", sync " + received.syncMillis() + " ms");
    }

    @Test
    void aRouteThatPutsTheTableIntoTheTopicCarriesIt() throws Exception {
        Path extra = Files.createDirectories(h.dir.resolve("routes-extra"));
        Files.writeString(extra.resolve("mqtt.camel.yaml"), """
                - route:
                    id: incident-mqtt
                    from:
                      uri: direct:incident-mqtt
                      steps:
                        - setHeader:
                            name: CamelPahoMqtt5OverrideTopic
                            simple: "%s/${header.incidentTable}"
                        - to:
                            uri: "paho-mqtt5:%s?brokerUrl=%s&qos=0"
                """.formatted(base, base, brokerUrl));
        subscribe(base + "/#", 1);
        h.settings.put("incident.routes.extra", extra.toString());
        h.settings.put("incident.destinations", "direct:incident-mqtt");
        BrokerDeliveries.Received received = deliveries.syncAndAwait(h);
        List<BrokerDeliveries.Delivery> got = received.got();
        Map<String, Integer> perTable = received.everyRecordOnce(h,
                d -> d.where().startsWith(base + "/") ? d.where().substring(base.length() + 1) : null, false);
        assertEquals(0, flaggedDuplicate.get(), "messages the broker marked as redelivered");
        System.out.println("MQTT, table in the topic: " + got.size() + " records received once each " + perTable
                + ", sync " + received.syncMillis() + " ms");
    }
}
