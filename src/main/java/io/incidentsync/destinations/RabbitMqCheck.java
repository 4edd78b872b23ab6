package io.incidentsync.destinations;

import org.apache.camel.CamelContext;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.apache.camel.util.URISupport;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * A spring-rabbitmq destination needs a connection factory; without one every record would fail with a
 * NullPointerException from inside the component. Loaded only for such a destination, as the component
 * is optional.
 */
public final class RabbitMqCheck {

    private RabbitMqCheck() {
    }

    /** What is missing for this destination, or null. */
    public static String problem(CamelContext context, String uri) {
        if (uri.contains("connectionFactory=")) {
            return null;
        }
        SpringRabbitMQComponent component = context.getComponent("spring-rabbitmq", SpringRabbitMQComponent.class);
        if (component != null && component.getConnectionFactory() != null
                || !context.getRegistry().findByType(ConnectionFactory.class).isEmpty()) {
            return null;
        }
        return "the destination " + URISupport.sanitizeUri(uri) + " has no RabbitMQ connection factory: declare one,"
                + " e.g. camel.beans.rabbit = #class:org.springframework.amqp.rabbit.connection.CachingConnectionFactory"
                + " with camel.beans.rabbit.host, .port, .username and .password (or CAMEL_BEANS_RABBIT... variables);"
                + " see docs/destinations.md, Message brokers";
    }
}
