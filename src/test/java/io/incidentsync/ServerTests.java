package io.incidentsync;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.PostDiscoveryFilter;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Leaves out the tests tagged with a server that is not set, so that a clone without servers reports them
 * neither run nor skipped; with -Dincident.test.require-servers=true every server counts as set, and such
 * a test fails naming its setting. Registered for the JUnit launcher in
 * META-INF/services/org.junit.platform.launcher.PostDiscoveryFilter.
 */
public final class ServerTests implements PostDiscoveryFilter {

    /** A test needing PostgreSQL alone (INCIDENT_TEST_PG_URL). */
    static final String POSTGRES = "postgres";
    /** A test needing MariaDB alone (INCIDENT_TEST_MARIADB_URL). */
    static final String MARIADB = "mariadb";
    /** A test needing RabbitMQ (INCIDENT_TEST_RABBITMQ_URL). */
    static final String RABBITMQ = "rabbitmq";
    /** A test needing an MQTT broker (INCIDENT_TEST_MQTT_URL). */
    static final String MQTT = "mqtt";
    /** A test needing NATS with JetStream (INCIDENT_TEST_NATS_URL). */
    static final String NATS = "nats";

    private static final Map<String, BooleanSupplier> SELECTED = Map.of(
            POSTGRES, TestServers.POSTGRES::selected,
            MARIADB, TestServers.MARIADB::selected,
            RABBITMQ, TestBrokers.RABBITMQ.server()::selected,
            MQTT, TestBrokers.MQTT.server()::selected,
            NATS, TestBrokers.NATS.server()::selected);

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        for (TestTag tag : descriptor.getTags()) {
            BooleanSupplier selected = SELECTED.get(tag.getName());
            if (selected != null && !selected.getAsBoolean()) {
                return FilterResult.excluded("no " + tag.getName() + " server is set (README, Tests)");
            }
        }
        return FilterResult.included("every server it needs is set");
    }
}
