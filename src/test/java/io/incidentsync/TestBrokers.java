package io.incidentsync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The message brokers the *DestinationTest broker tests need, one setting each, read like
 * {@link TestServers}: the system property, else the environment variable. Without it those tests (tagged
 * with the broker's {@link ServerTests} tag) are not selected ({@link ServerTests}), unless
 * -Dincident.test.require-servers=true (as .ci/run sets) selects them so that they fail. A broker that is
 * named but does not answer fails the test, naming the setting.
 */
final class TestBrokers {

    /** RabbitMQ, as an AMQP URI with user and password: amqp://guest:guest@127.0.0.1:5672 */
    static final Broker RABBITMQ = new Broker(new TestServers.Server("incident.test.rabbitmq.url",
            "INCIDENT_TEST_RABBITMQ_URL", "RabbitMQ server", "amqp://guest:guest@127.0.0.1:5672"), 5672);
    /** An MQTT 5 broker (Mosquitto), as Paho's server URI: tcp://127.0.0.1:1883 */
    static final Broker MQTT = new Broker(new TestServers.Server("incident.test.mqtt.url",
            "INCIDENT_TEST_MQTT_URL", "MQTT server", "tcp://127.0.0.1:1883"), 1883);
    /** NATS with JetStream, as a NATS URL: nats://127.0.0.1:4222 */
    static final Broker NATS = new Broker(new TestServers.Server("incident.test.nats.url",
            "INCIDENT_TEST_NATS_URL", "NATS server", "nats://127.0.0.1:4222"), 4222);

    private TestBrokers() {
    }

    record Broker(TestServers.Server server, int defaultPort) {

        /** The URL, after checking that something listens at its host and port: fails naming the setting if not. */
        String reachableUrl() {
            String url = server.url();
            String from = System.getProperty(server.property(), "").isBlank() ? server.variable() : "-D" + server.property();
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                return fail(from + " is not a URL like " + server.example() + ": " + e.getMessage());
            }
            if (uri.getHost() == null) {
                return fail(from + " has no host; write it like " + server.example());
            }
            int port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port), 3000);
            } catch (IOException e) {
                return fail(server.what() + " does not answer at " + uri.getHost() + ":" + port + " (from " + from + "): "
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + "; start it or correct " + from);
            }
            return url;
        }
    }
}
