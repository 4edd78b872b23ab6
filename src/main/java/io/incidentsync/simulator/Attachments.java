package io.incidentsync.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Incident attachments: max(1, N/3) external resources (PagerDuty incidents, pull requests, Jira issues, ...),
 * each attached to an incident picked by hashing its index, so some incidents have several and most have none.
 * Generated on demand; records added by faults get parents the same way.
 */
final class Attachments {
    private static final List<String[]> RESOURCE_TYPES = List.of(
            new String[] {"pager_duty_incident", "PagerDuty Incident"},
            new String[] {"opsgenie_alert", "Opsgenie Alert"},
            new String[] {"datadog_monitor_alert", "Datadog Monitor Alert"},
            new String[] {"github_pull_request", "GitHub Pull Request"},
            new String[] {"gitlab_merge_request", "GitLab Merge Request"},
            new String[] {"sentry_issue", "Sentry Issue"},
            new String[] {"jira_issue", "Jira Issue"},
            new String[] {"atlassian_statuspage_incident", "Atlassian Statuspage Incident"},
            new String[] {"zendesk_ticket", "Zendesk Ticket"},
            new String[] {"google_calendar_event", "Google Calendar Event"},
            new String[] {"outlook_calendar_event", "Outlook Calendar Event"},
            new String[] {"slack_file", "Slack File"},
            new String[] {"statuspage_incident", "Status Page Incident"},
            new String[] {"scrubbed", "Scrubbed"});
    static final List<String> TYPES = RESOURCE_TYPES.stream().map(t -> t[0]).toList();

    private final long seed;
    private final int incidentCount;
    private final int count;
    private final Times times;
    private final Catalog catalog;
    private final Incidents incidents;
    private final Ids ids;
    private final Ids resourceIds;

    Attachments(long seed, int incidentCount, Times times, Catalog catalog, Incidents incidents) {
        this.seed = seed;
        this.incidentCount = incidentCount;
        this.count = Math.max(1, incidentCount / 3);
        this.times = times;
        this.catalog = catalog;
        this.incidents = incidents;
        ids = TableCode.INCIDENT_ATTACHMENT.ids(seed);
        resourceIds = TableCode.EXTERNAL_RESOURCE.ids(seed);
    }

    int count() {
        return count;
    }

    Ids ids() {
        return ids;
    }

    int parent(int attachment) {
        return (int) Math.floorMod(Rand.mix(seed * 7 + attachment), (long) incidentCount);
    }

    /** The attachment's resource type; cheap, for filtering without building the record. */
    String resourceType(int attachment) {
        Rand rand = new Rand(seed, TableCode.INCIDENT_ATTACHMENT.ordinal(), attachment);
        // scrubbed (the last) is rare: only every 97th attachment
        return attachment % 97 == 41 ? "scrubbed" : RESOURCE_TYPES.get(rand.nextInt(RESOURCE_TYPES.size() - 1))[0];
    }

    String externalId(int attachment) {
        String type = resourceType(attachment);
        int n = attachment + 1;
        return switch (type) {
            case "pager_duty_incident" -> "Q" + Ids.encode(Rand.mix(seed * 29 + attachment), 13);
            case "github_pull_request", "gitlab_merge_request" -> Integer.toString(1000 + n);
            case "jira_issue" -> "OPS-" + n;
            case "scrubbed" -> "scrubbed-" + n;
            default -> Ids.encode(Rand.mix(seed * 31 + attachment), 12).toLowerCase(java.util.Locale.ROOT);
        };
    }

    ObjectNode record(int attachment) {
        int incident = parent(attachment);
        Rand rand = new Rand(seed, TableCode.INCIDENT_ATTACHMENT.ordinal() + 100, attachment);
        String type = resourceType(attachment);
        String label = RESOURCE_TYPES.stream().filter(t -> t[0].equals(type)).findFirst().orElseThrow()[1];
        String externalId = externalId(attachment);
        long start = incidents.createdOffset(incident);
        long created = times.beforeNow(start, start + rand.between(60_000, 3 * 86_400_000));
        ObjectNode node = Json.object();
        node.put("id", ids.id(attachment));
        node.put("incident_id", incidents.ids().id(incident));
        ObjectNode resource = node.putObject("resource");
        resource.put("external_id", externalId);
        resource.put("permalink", permalink(type, externalId));
        resource.put("resource_type", type);
        resource.put("title", title(rand, type, externalId));
        resource.put("id", resourceIds.id(attachment));
        resource.put("resource_type_label", label);
        resource.put("created_at", times.at(created - rand.nextInt(3_600_000)));
        resource.put("updated_at", times.at(times.beforeNow(start, created + rand.nextInt(86_400_000))));
        node.put("organisation_id", catalog.organisationId);
        node.set("creator", incidents.actor(rand));
        node.put("created_at", times.at(created));
        return node;
    }

    private static String permalink(String type, String externalId) {
        return switch (type) {
            case "pager_duty_incident" -> "https://example.pagerduty.com/incidents/" + externalId;
            case "github_pull_request" -> "https://github.com/example-org/api/pull/" + externalId;
            case "gitlab_merge_request" -> "https://gitlab.com/example-org/api/-/merge_requests/" + externalId;
            case "jira_issue" -> "https://example.atlassian.net/browse/" + externalId;
            case "slack_file" -> "https://example.slack.com/files/" + externalId;
            default -> "https://" + type.replace('_', '-') + ".example.com/" + externalId + "?ref=\"incident\"";
        };
    }

    private static String title(Rand rand, String type, String externalId) {
        return switch (type) {
            case "github_pull_request", "gitlab_merge_request" -> "Revert \"" + Texts.words(rand, 3).replace('\n', ' ')
                    + "\" (#" + externalId + ")";
            case "jira_issue" -> externalId + ": " + Texts.words(rand, rand.between(2, 6));
            case "scrubbed" -> "[scrubbed]";
            default -> Texts.words(rand, rand.between(2, 8));
        };
    }
}
