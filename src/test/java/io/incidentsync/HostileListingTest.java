package io.incidentsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.incidentsync.HostileApi.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Listings that a hostile or broken API answers wrongly: each must fail its table with one line and keep
 * the previous rows, never end the listing early as if it were complete. Each test is bounded: a listing
 * that never ends must not hang the build.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileListingTest {

    @RegisterExtension
    final HostileApi.Sync sync = HostileApi.syncForEachTest("users");
    final HostileApi api = sync.api;

    /** A first sync of 1,000 users in four pages, so that a later failure has rows to keep. */
    private void syncThousandUsers() throws Exception {
        api.on("/v2/users", HostileApi.pages("users", HostileApi.userPages(1000, 250)));
        assertEquals(0, sync.run(), sync.err);
        assertEquals(1000, sync.count("SELECT COUNT(*) FROM users"));
    }

    /**
     * A record the API lists twice (it moved between pages while they were read) keeps the child rows of
     * its last listing only, as its parent row does: none of the first listing's elements survive,
     * whether the repeat is on the same page, still waiting to be written, or on a later page, already
     * written to the staging table.
     */
    @Test
    void aRecordListedTwiceKeepsOnlyTheArrayOfItsLastListing() throws Exception {
        String first = "{\"id\":\"U00001\",\"name\":\"User 1\",\"custom_roles\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]}";
        String again = "{\"id\":\"U00001\",\"name\":\"User 1 again\",\"custom_roles\":[{\"id\":\"x\"}]}";
        String twice = "{\"id\":\"U00002\",\"name\":\"User 2\",\"custom_roles\":[{\"id\":\"d\"},{\"id\":\"e\"}]}";
        String twiceAgain = "{\"id\":\"U00002\",\"name\":\"User 2 again\",\"custom_roles\":[]}";
        List<String> page1 = new java.util.ArrayList<>(List.of(first, twice, twiceAgain));
        page1.addAll(HostileApi.users(3, 10));
        List<String> page2 = new java.util.ArrayList<>(HostileApi.users(13, 10));
        page2.add(again);
        api.on("/v2/users", HostileApi.pages("users", List.of(page1, page2)));

        assertEquals(0, sync.run(), sync.err);
        assertEquals(22, sync.count("SELECT COUNT(*) FROM users"));
        assertEquals(1, sync.count("SELECT COUNT(*) FROM users__custom_roles"), "U00001 once with its last array, U00002 with none");
        assertEquals(1, sync.count("SELECT COUNT(*) FROM users__custom_roles WHERE _sdc_source_key_id = 'U00001' AND id = 'x'"
                + " AND _sdc_level_0_id = 0"));
        assertEquals(1, sync.count("SELECT COUNT(*) FROM users WHERE id = 'U00001' AND name = 'User 1 again'"));
    }

    @Test
    void a404ForPageTwoFailsTheTableAndKeepsYesterdaysThousandUsers() throws Exception {
        syncThousandUsers();
        var pages = HostileApi.userPages(1000, 250);
        api.on("/v2/users", request -> request.param("after") == null
                ? Reply.json(HostileApi.page("users", pages.get(0), "\"c1\""))
                : Reply.status(404, "{\"type\":\"not_found\",\"status\":404,\"errors\":[{\"code\":\"not_found\",\"message\":\"Not found\"}]}"));

        assertEquals(1, sync.run(), sync.out);
        List<String> lines = sync.errLines();
        assertEquals(1, lines.size(), sync.err);
        assertTrue(lines.get(0).startsWith("users: GET /v2/users?page_size=250&after=c1 answered 404"), lines.get(0));
        assertEquals(1000, sync.count("SELECT COUNT(*) FROM users"), "yesterday's rows are kept");
    }

    @Test
    void aTypoInTheApiUrlFailsEveryTableInsteadOfEmptyingThem() throws Exception {
        syncThousandUsers();
        sync.settings.put("incident.api.url", api.baseUrl() + "/typo/");

        sync.settings.put("incident.streams", "users,severities,incident_types");
        assertEquals(1, sync.run(), sync.out);
        assertEquals(1, sync.errLines().size(), "one cause, one line: " + sync.err);
        assertTrue(sync.err.startsWith("every table: ") && sync.err.contains("404") && sync.err.contains("incident.api.url"), sync.err);
        assertEquals(1000, sync.count("SELECT COUNT(*) FROM users"));
    }

    @Test
    void aCursorThatNeverAdvancesFailsTheTableAfterTwoPagesInsteadOfLoopingForever() throws Exception {
        syncThousandUsers();
        var pages = HostileApi.userPages(1000, 250);
        api.on("/v2/users", request -> Reply.json(HostileApi.page("users",
                pages.get(request.param("after") == null ? 0 : 1), "\"c1\"")));

        int before = api.requests("/v2/users").size();
        assertEquals(1, sync.run(), sync.out);
        assertEquals(2, api.requests("/v2/users").size() - before, "the repeated cursor is caught on the second page");
        assertTrue(sync.err.startsWith("users: ") && sync.err.contains("'c1' a second time"), sync.err);
        assertEquals(1000, sync.count("SELECT COUNT(*) FROM users"));
    }

    @Test
    void aCycleOfCursorsFailsTheTableOnceACursorComesBack() throws Exception {
        syncThousandUsers();
        var pages = HostileApi.userPages(1000, 250);
        // c1 -> c2 -> c1 -> ...
        api.on("/v2/users", request -> {
            String after = request.param("after");
            int index = after == null ? 0 : Integer.parseInt(after.substring(1));
            return Reply.json(HostileApi.page("users", pages.get(index), index == 2 ? "\"c1\"" : "\"c" + (index + 1) + "\""));
        });

        int before = api.requests("/v2/users").size();
        assertEquals(1, sync.run(), sync.out);
        assertEquals(3, api.requests("/v2/users").size() - before);
        assertTrue(sync.err.contains("'c1' a second time"), sync.err);
        assertEquals(1000, sync.count("SELECT COUNT(*) FROM users"));
    }

    @Test
    void aBodySentOneByteAtATimeIsCutOffAtTheReadTimeoutAndTheTableKeepsItsRows() throws Exception {
        syncThousandUsers();
        sync.settings.put("incident.http.read-timeout-seconds", "1");
        sync.settings.put("incident.http.max-attempts", "2");
        String body = HostileApi.page("users", HostileApi.users(1, 10), null);
        // about 40 s for the whole body, at a byte each 50 ms
        api.on("/v2/users", request -> Reply.json(body).trickle(50));

        long started = System.nanoTime();
        assertEquals(1, sync.run(), sync.out);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds < 10, "two attempts of one second each, not the whole trickle: " + seconds + " s");
        assertTrue(sync.err.contains("incident.http.read-timeout-seconds") && sync.err.contains("2 attempts"), sync.err);
        assertEquals(1000, sync.count("SELECT COUNT(*) FROM users"));
    }

    @Test
    void aBodyThatNeverEndsIsCutOffAtTheReadTimeout() throws Exception {
        sync.settings.put("incident.http.read-timeout-seconds", "1");
        sync.settings.put("incident.http.max-attempts", "2");
        api.on("/v2/users", request -> Reply.json("{\"users\":[").endless());

        long started = System.nanoTime();
        assertEquals(1, sync.run(), sync.out);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds < 10, "bounded by the read timeout: " + seconds + " s");
        assertTrue(sync.err.contains("no complete answer within 1 s"), sync.err);
    }

    @Test
    void anEmptyPageThatCarriesACursorIsFollowedAndNoRecordAfterItIsLost() throws Exception {
        var pages = HostileApi.userPages(500, 250);
        api.on("/v2/users", request -> {
            String after = request.param("after");
            if (after == null) {
                return Reply.json(HostileApi.page("users", pages.get(0), "\"c1\""));
            }
            if (after.equals("c1")) {
                return Reply.json(HostileApi.page("users", List.of(), "\"c2\""));
            }
            return Reply.json(HostileApi.page("users", pages.get(1), null));
        });

        assertEquals(0, sync.run(), sync.err);
        assertEquals(500, sync.count("SELECT COUNT(*) FROM users"));
        assertEquals(3, api.requests("/v2/users").size());
    }

    @Test
    void aNumericCursorIsFollowedAsItsText() throws Exception {
        var pages = HostileApi.userPages(500, 250);
        api.on("/v2/users", request -> request.param("after") == null
                ? Reply.json(HostileApi.page("users", pages.get(0), "2"))
                : Reply.json(HostileApi.page("users", "2".equals(request.param("after")) ? pages.get(1) : List.of(), null)));

        assertEquals(0, sync.run(), sync.err);
        assertEquals(500, sync.count("SELECT COUNT(*) FROM users"));
    }

    @Test
    void aLastEmptyPageThatRepeatsTheCursorItWasAskedWithEndsTheListing() throws Exception {
        var pages = HostileApi.userPages(250, 250);
        api.on("/v2/users", request -> request.param("after") == null
                ? Reply.json(HostileApi.page("users", pages.get(0), "\"c1\""))
                : Reply.json(HostileApi.page("users", List.of(), "\"c1\"")));

        assertEquals(0, sync.run(), sync.err);
        assertEquals(250, sync.count("SELECT COUNT(*) FROM users"));
    }

    @Test
    void aRetryAfterOfNaNWaitsTheBackoffInsteadOfRetryingAtOnce() throws Exception {
        sync.settings.put("incident.http.initial-backoff-millis", "200");
        var served = new java.util.concurrent.atomic.AtomicInteger();
        api.on("/v2/users", request -> served.incrementAndGet() <= 2
                ? Reply.status(429, "{\"type\":\"too_many_requests\",\"status\":429}").header("Retry-After", "NaN")
                : Reply.json(HostileApi.page("users", HostileApi.users(1, 3), null)));

        long started = System.nanoTime();
        assertEquals(0, sync.run(), sync.err);
        double seconds = (System.nanoTime() - started) / 1e9;
        var times = api.requests("/v2/users");
        assertEquals(3, times.size());
        // equal jitter: at least half of 200 ms, then half of 400 ms
        assertTrue(seconds >= 0.3, "waited " + seconds + " s");
    }

    /** The HTTP endpoint asks for gzip (Accept-Encoding) and decodes it: a gzip answer is the page it holds. */
    @Test
    void aGzipBodyIsDecodedAndItsRecordsStored() throws Exception {
        byte[] gzipped = gzip(HostileApi.page("users", HostileApi.users(1, 3), null));
        api.on("/v2/users", request -> Reply.bytes(200, gzipped).header("Content-Encoding", "gzip"));

        assertEquals(0, sync.run(), sync.err);
        assertEquals(3, sync.count("SELECT COUNT(*) FROM users"));
        assertTrue(String.valueOf(api.requests("/v2/users").get(0).acceptEncoding()).contains("gzip"),
                "the request says it takes gzip: " + api.requests("/v2/users").get(0));
    }

    /** Bytes that are not text (compressed data the answer does not declare) are described, never printed. */
    @Test
    void aBinaryBodyIsDescribedNotPrintedAsBinaryBytes() throws Exception {
        byte[] gzipped = gzip(HostileApi.page("users", HostileApi.users(1, 3), null));
        api.on("/v2/users", request -> Reply.bytes(200, gzipped));

        assertEquals(1, sync.run(), sync.out);
        List<String> lines = sync.errLines();
        assertEquals(1, lines.size(), sync.err);
        assertTrue(lines.get(0).contains("binary data"), lines.get(0));
        assertTrue(lines.get(0).chars().allMatch(c -> c >= 0x20 && c < 0x7F), "printable only: " + lines.get(0));
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        var gzipped = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(gzipped)) {
            gz.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return gzipped.toByteArray();
    }

    @Test
    void anApiUrlWithAQueryStringIsAConfigurationError() throws Exception {
        sync.settings.put("incident.api.url", api.baseUrl() + "?x=1");
        assertEquals(2, sync.run());
        assertTrue(sync.err.startsWith("configuration error: ") && sync.err.contains("a query string"), sync.err);
        assertEquals(0, api.requests().size());
    }
}
