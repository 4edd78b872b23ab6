package io.incidentsync;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.ResultSet;
import java.sql.Statement;

import static io.incidentsync.HostileApi.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API key goes to the configured API host and nowhere else, and is never printed, whatever the API answers. */
class KeyLeakTest {

    @RegisterExtension
    final HostileApi.Sync sync = HostileApi.syncForEachTest("users");
    final HostileApi api = sync.api;
    @RegisterExtension
    final HostileApi elsewhere = HostileApi.forEachTest();

    @BeforeEach
    void start() throws Exception {
        sync.settings.put("incident.api.key", "secret-key-0123456789");
        api.on("/v2/users", request -> Reply.json(HostileApi.page("users", HostileApi.users(1, 5), null)));
        elsewhere.on("/v2/users", request -> Reply.json(HostileApi.page("users", HostileApi.users(100, 7), null)));
        assertEquals(0, sync.run(), sync.err);
    }

    @Test
    void aRedirectToAnotherHostIsNotFollowedAndThatHostNeverSeesTheKey() throws Exception {
        for (int status : new int[] {301, 302, 307, 308}) {
            api.on("/v2/users", request -> Reply.status(status, "").header("Location", elsewhere.baseUrl() + "/v2/users"));

            assertEquals(1, sync.run(), sync.out);
            assertEquals(0, elsewhere.requests().size(), "HTTP " + status + " was followed to the other host");
            assertTrue(sync.err.startsWith("users: ") && sync.err.contains("redirected (HTTP " + status + ")")
                    && sync.err.contains("not followed"), sync.err);
            assertEquals(5, sync.count("SELECT COUNT(*) FROM users"), "the other host's data is not stored");
        }
    }

    @Test
    void aRedirectOnTheApiHostItselfIsFollowedWithTheKey() throws Exception {
        api.on("/v2/users", request -> Reply.status(302, "").header("Location", "/v2/users-moved"));
        api.on("/v2/users-moved", request -> Reply.json(HostileApi.page("users", HostileApi.users(1, 9), null)));

        assertEquals(0, sync.run(), sync.err);
        assertEquals(9, sync.count("SELECT COUNT(*) FROM users"));
        assertEquals("Bearer secret-key-0123456789", api.requests("/v2/users-moved").get(0).authorization());
    }

    @Test
    void aKeyWithALineBreakOrANonAsciiCharacterIsAConfigurationErrorThatNeverPrintsTheKey() throws Exception {
        int before = api.requests().size();
        for (String key : new String[] {"secret-key-01234\n56789", "secret-key-01234é56789"}) {
            sync.settings.put("incident.api.key", key);
            assertEquals(2, sync.run(), sync.err);
            assertTrue(sync.err.startsWith("configuration error: ") && sync.err.contains("API key"), sync.err);
            assertFalse(sync.err.contains("secret-key") || sync.out.contains("secret-key"), sync.err);
            assertFalse(sync.err.contains("56789") || sync.out.contains("56789"), "no part of the key: " + sync.err);
        }
        assertEquals(before, api.requests().size(), "nothing was sent");
        try (var c = sync.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM _sync_runs WHERE error LIKE '%56789%'")) {
            rs.next();
            assertEquals(0, rs.getLong(1));
        }
    }
}
