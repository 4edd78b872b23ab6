package io.incidentsync.api;

import io.incidentsync.run.SyncException;
import org.apache.camel.Exchange;

import java.net.URI;
import java.util.Locale;

/**
 * Follows a redirect that stays on the configured host; one elsewhere is refused: the key would go with it.
 * A redirect followed points the exchange at its target (header {@code CamelHttpUri}), and the route loops.
 */
final class SameOriginRedirect {

    private static final int MAX_REDIRECTS = 5;
    /** Exchange property: the redirects followed in this attempt. */
    static final String REDIRECTS = "incidentRedirects";

    private final String baseUrl;
    private final String origin;

    SameOriginRedirect(String baseUrl) {
        this.baseUrl = baseUrl;
        this.origin = origin(URI.create(baseUrl));
    }

    /** Points the exchange at the redirect's target, or throws why it is not followed. */
    void follow(Exchange exchange, int status, String path) {
        String location = exchange.getMessage().getHeader("Location", "", String.class);
        String current = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        URI from = URI.create(current != null ? current
                : baseUrl + path + "?" + exchange.getProperty(IncidentApi.HTTP_QUERY, "", String.class));
        URI target;
        try {
            target = location.isEmpty() ? null : from.resolve(location);
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (target == null || target.getHost() == null) {
            throw new SyncException("GET " + path + " answered HTTP " + status + " without a usable Location; "
                    + "check incident.api.url (INCIDENT_API_URL)");
        }
        if (!origin(target).equals(origin)) {
            throw new SyncException("GET " + path + " was redirected (HTTP " + status + ") to " + origin(target)
                    + ", not followed: the API key is only sent to incident.api.url (" + origin + "); "
                    + "if the API has moved, set INCIDENT_API_URL to its new address");
        }
        int redirects = exchange.getProperty(REDIRECTS, 0, Integer.class);
        if (redirects >= MAX_REDIRECTS) {
            throw new SyncException("GET " + path + " was redirected more than " + MAX_REDIRECTS
                    + " times; check incident.api.url (INCIDENT_API_URL)");
        }
        exchange.setProperty(REDIRECTS, redirects + 1);
        exchange.getMessage().removeHeader(Exchange.HTTP_PATH);
        exchange.getMessage().removeHeader(Exchange.HTTP_QUERY);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, target.toString());
    }

    private static String origin(URI uri) {
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        return String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT) + "://"
                + String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }
}
