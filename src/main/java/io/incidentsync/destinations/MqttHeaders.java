package io.incidentsync.destinations;

import org.apache.camel.Message;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * camel-paho-mqtt5 publishes no Camel header: the destination message's headers travel as MQTT 5 user
 * properties (and its content type as application/json) only when they are put in its message
 * properties. Loaded only for a paho-mqtt5 destination, as the component is optional.
 */
public final class MqttHeaders {

    static final String PROPERTIES = "CamelPahoMqtt5MsgProperties";

    private MqttHeaders() {
    }

    public static void carry(Message message, List<String> headers) {
        MqttProperties properties = new MqttProperties();
        List<UserProperty> user = new ArrayList<>();
        for (String name : headers) {
            Object value = message.getHeader(name);
            if (value != null) {
                user.add(new UserProperty(name, value.toString()));
            }
        }
        properties.setUserProperties(user);
        properties.setContentType("application/json");
        message.setHeader(PROPERTIES, properties);
    }
}
