package io.incidentsync;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * camel.* settings for a test's syncs, given as Java system properties, as a user gives them with
 * {@code java -Dcamel.beans...=... -jar}: Application hands Camel only the product's own incident.* keys
 * from the settings a test passes, while Camel Main reads camel.beans.*, camel.component.* and the like
 * itself from system properties (as from application.properties and CAMEL_* environment variables).
 * {@link #clear()} puts back what was there, so no other test sees them.
 */
final class CamelProperties {

    private final Map<String, String> before = new LinkedHashMap<>();

    void set(String key, String value) {
        if (!before.containsKey(key)) {
            before.put(key, System.getProperty(key));
        }
        System.setProperty(key, value);
    }

    void clear() {
        before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
        before.clear();
    }
}
