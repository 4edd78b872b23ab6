package io.incidentsync.routes;

import io.incidentsync.run.SyncRun;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * routes/sync.camel.yaml: the Quartz trigger (scheduled-sync) starts a run on incident.schedule, and the
 * run (sync) syncs each enabled table in its own route, at most incident.sync.concurrency at once.
 */
class SyncRouteTest extends RouteTestSupport {


    @Test
    void aTriggerOfTheScheduledRouteRunsOneSync() throws Exception {
        harness = new RouteHarness(dir, "severities").set("incident.schedule.enabled", "true");
        harness.serve(new FakeApi().on("/v1/severities",
                request -> FakeApi.Reply.json(FakeApi.page("severities", FakeApi.severities(2, "Sev"), null))));
        harness.advise("scheduled-sync", a -> a.replaceFromWith("direct:tick"));
        harness.start();
        NotifyBuilder oneRun = new NotifyBuilder(harness.context).wereSentTo("direct:sync").whenExactlyCompleted(1).create();

        harness.context.createProducerTemplate().sendBody("direct:tick", null);

        assertTrue(oneRun.matches(10, TimeUnit.SECONDS), "the trigger sent one run to the sync route");
        SyncRun run = harness.incidentSync().lastRun();
        assertTrue(run.ok(), run.summary());
        assertEquals(List.of("severities"), run.tables());
        assertEquals(2, harness.count("SELECT COUNT(*) FROM severities"));
    }

    @Test
    void theTriggerFiresOnTheConfiguredCronAndStaysOffWhenDisabled() throws Exception {
        harness = new RouteHarness(dir, "severities").set("incident.schedule", "0 15 3 ? * MON-FRI");
        harness.start();

        QuartzEndpoint quartz = assertInstanceOf(QuartzEndpoint.class, harness.context.getRoute("scheduled-sync").getEndpoint());
        assertEquals("0 15 3 ? * MON-FRI", quartz.getCron());
        assertEquals("incident-io", quartz.getGroupName());
        assertEquals("sync", quartz.getTriggerName());
        assertEquals(ServiceStatus.Stopped, harness.context.getRouteController().getRouteStatus("scheduled-sync"),
                "incident.schedule.enabled=false leaves the trigger off");
        assertEquals(ServiceStatus.Started, harness.context.getRouteController().getRouteStatus("sync"));
    }

    @Test
    void tablesRunInParallelUpToTheConcurrency() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        FakeApi api = new FakeApi();
        for (String[] listing : new String[][] {{"/v2/incident_roles", "incident_roles"}, {"/v1/incident_types", "incident_types"},
                {"/v1/severities", "severities"}, {"/v2/custom_fields", "custom_fields"}}) {
            api.on(listing[0], request -> {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                return FakeApi.Reply.json(FakeApi.page(listing[1], List.of("{\"id\":\"X1\",\"name\":\"x\"}"), null));
            });
        }
        harness = new RouteHarness(dir, "custom_fields,incident_roles,incident_types,severities")
                .set("incident.sync.concurrency", "2");
        // the fake answers in place of the HTTP endpoint itself: a mock endpoint takes one exchange at a time
        harness.advise("incident-api-attempt", a -> a.weaveByToUri(".*httpClientConfigurer=#incidentApi.*").replace().process(api));
        harness.start();

        SyncRun run = harness.sync();

        assertTrue(run.ok(), run.summary());
        assertEquals(4, run.results().size());
        assertEquals(4, run.results().stream().mapToLong(SyncRun.Result::requests).sum());
        assertEquals(2, most.get(), "two tables at once, never more");
    }
}
