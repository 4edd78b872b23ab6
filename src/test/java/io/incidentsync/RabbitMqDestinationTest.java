package io.incidentsync;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.incidentsync.config.Settings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ as a destination, against a real server (INCIDENT_TEST_RABBITMQ_URL): a 300-incident sync with
 * incident.destinations set to one spring-rabbitmq URI delivers every record of every table exactly once
 * to a queue bound to that exchange, as the record's JSON with the incidentTable, incidentRunId and
 * incidentExtractedAt message headers. The connection is the user's ConnectionFactory bean, declared in
 * camel.beans.* properties with publisher confirms, so a message the broker did not take fails the table.
 */
@Tag(ServerTests.RABBITMQ)
class RabbitMqDestinationTest {

    SyncHarness h;
    Connection connection;
    Channel channel;
    String exchange;
    final BrokerDeliveries deliveries = new BrokerDeliveries();
    final CamelProperties camel = new CamelProperties();
    URI amqp;

    @BeforeEach
    void start() throws Exception {
        String url = TestBrokers.RABBITMQ.reachableUrl();
        h = SyncHarness.start(300);
        exchange = "incident-test-" + UUID.randomUUID();
        amqp = URI.create(url);
        // the user's connection, as properties: the component finds the one ConnectionFactory bean itself
        connectionFactory().forEach((option, value) ->
                camel.set("camel.beans.incidentRabbit" + (option.isEmpty() ? "" : "." + option), value));

        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url);
        connection = factory.newConnection("incident-sync-test-consumer");
        channel = connection.createChannel();
    }

    @AfterEach
    void stop() throws Exception {
        camel.clear();
        if (connection != null) {
            try {
                if (channel != null && channel.isOpen()) {
                    channel.exchangeDelete(exchange);
                }
            } finally {
                connection.close();
            }
        }
        if (h != null) {
            h.close();
        }
    }

    /** A queue of this test's own bound to the exchange with every routing key, consumed from now on. */
    void consumeEverything() throws Exception {
        channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, false, true, null);
        String queue = channel.queueDeclare(exchange, false, true, true, null).getQueue();
        channel.queueBind(queue, exchange, "#");
        channel.basicQos(500);
        channel.basicConsume(queue, false, (tag, message) -> {
            Map<String, String> headers = new LinkedHashMap<>();
            Map<String, Object> raw = message.getProperties().getHeaders();
            if (raw != null) {
                raw.forEach((k, v) -> headers.put(k, String.valueOf(v)));
            }
            deliveries.add(new BrokerDeliveries.Delivery(new String(message.getBody(), StandardCharsets.UTF_8), headers,
                    "routing key " + message.getEnvelope().getRoutingKey()));
            channel.basicAck(message.getEnvelope().getDeliveryTag(), false);
        }, tag -> { });
    }

    /**
     * The ConnectionFactory bean for the test server, with publisher confirms: each option ("" for the bean's
     * class) and its value, in the order a user writes them.
     */
    private Map<String, String> connectionFactory() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("", "#class:org.springframework.amqp.rabbit.connection.CachingConnectionFactory");
        options.put("host", amqp.getHost());
        options.put("port", Integer.toString(amqp.getPort() > 0 ? amqp.getPort() : 5672));
        if (amqp.getUserInfo() != null) {
            String[] user = amqp.getUserInfo().split(":", 2);
            options.put("username", user[0]);
            options.put("password", user.length > 1 ? user[1] : "");
        }
        options.put("publisherConfirmType", "CORRELATED");
        return options;
    }

    @Test
    void everyRecordArrivesOnceWithItsTableHeader() throws Exception {
        consumeEverything();
        String destination = "spring-rabbitmq:" + exchange + "?routingKey=incident.records";
        h.settings.put("incident.destinations", destination);
        BrokerDeliveries.Received received = deliveries.syncAndAwait(h);
        Map<String, Integer> perTable = received.everyRecordOnce(h, d -> d.header("incidentTable"), true);
        List<BrokerDeliveries.Delivery> got = received.got();
        for (BrokerDeliveries.Delivery d : got) {
            assertEquals("routing key incident.records", d.where());
            // the contract's headers and nothing else of the exchange's (no HTTP header of the API's answers)
            assertEquals(Set.of("incidentTable", "incidentRunId", "incidentExtractedAt"), d.headers().keySet());
        }
        System.out.println("RabbitMQ: " + got.size() + " records received once each " + perTable + ", sync " + received.syncMillis() + " ms");
    }

    @Test
    void withoutAConnectionFactoryEveryTableFailsWithOneLineNamingTheFixAndNothingIsTouched() throws Exception {
        camel.clear();
        String destination = "spring-rabbitmq:" + exchange + "?routingKey=incident.records";
        h.settings.put("incident.destinations", destination);
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        List<String> lines = h.lastErr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of("every table: the destination " + destination + " has no RabbitMQ connection factory: declare one,"
                + " e.g. camel.beans.rabbit = #class:org.springframework.amqp.rabbit.connection.CachingConnectionFactory"
                + " with camel.beans.rabbit.host, .port, .username and .password (or CAMEL_BEANS_RABBIT... variables);"
                + " see docs/destinations.md, Message brokers"), lines);
        assertEquals(0, h.simulator.totalRequests(), "nothing was fetched");
        assertTrue(h.tables().isEmpty(), "no table was created: " + h.tables());
    }

    @Test
    void anExchangeThatDoesNotExistFailsTheTablesNamingTheDestination() throws Exception {
        // nothing declared: with publisher confirms the broker's refusal reaches the sync
        String destination = "spring-rabbitmq:" + exchange + "?routingKey=incident.records";
        h.settings.put("incident.destinations", destination);
        h.settings.put("incident.streams", "severities,incident_types");
        assertEquals(1, h.syncCommand(h.overrides(SyncHarness.PRIVATE_KEY)), h.lastErr);
        assertTrue(h.lastErr.contains("the destination " + destination + " failed on record "), h.lastErr);
        assertEquals(List.of("failed", "failed"), h.column("SELECT status FROM _sync_runs ORDER BY table_name"), h.lastErr);
    }

    /**
     * The runnable command line in its own process, configured as a user configures it from the environment:
     * CAMEL_BEANS_* variables declare the ConnectionFactory, with publisher confirms (without them a missing
     * exchange would go unnoticed, so the second sync's failure proves they were read).
     */
    @Test
    void environmentVariablesConfigureTheConnectionForTheCommandLine() throws Exception {
        consumeEverything();
        List<String> tables = List.of("severities", "incident_types");
        Map<String, String> env = new HashMap<>();
        h.overrides(SyncHarness.PRIVATE_KEY).forEach((key, value) -> env.put(Settings.envName(key), value));
        env.put("INCIDENT_STREAMS", String.join(",", tables));
        connectionFactory().forEach((option, value) ->
                env.put("CAMEL_BEANS_RABBIT" + (option.isEmpty() ? "" : "_" + option.toUpperCase(Locale.ROOT)), value));

        env.put("INCIDENT_DESTINATIONS", "spring-rabbitmq:" + exchange + "?routingKey=incident.records");
        try (JarProcess sync = JarProcess.startFromClasspath(h.dir, env, "sync")) {
            assertEquals(0, sync.waitFor(180), sync.output());
        }
        List<BrokerDeliveries.Delivery> got = deliveries.await(BrokerDeliveries.expectedTotal(h, tables), 60_000, 1_000);
        BrokerDeliveries.assertEveryRecordOnce(h, tables, got, d -> d.header("incidentTable"), true);

        String missing = "spring-rabbitmq:" + exchange + "-missing?routingKey=incident.records";
        env.put("INCIDENT_DESTINATIONS", missing);
        try (JarProcess sync = JarProcess.startFromClasspath(h.dir, env, "sync")) {
            assertEquals(1, sync.waitFor(180), sync.output());
            assertTrue(sync.output().contains("severities: the destination " + missing + " failed on record "), sync.output());
        }
    }
}
