package io.incidentsync.simulator;

import java.util.List;

/** Text that exercises a sync's encoding: accents, scripts outside Latin, emoji, quotes, backslashes, newlines. */
final class Texts {
    private static final List<String> WORDS = List.of(
            "database", "latency", "checkout", "payments", "API", "gateway", "timeout", "Zürich", "naïve", "café",
            "日本語", "Ελληνικά", "עברית", "中文", "🔥", "🚨", "😅", "\"quoted\"", "O'Brien", "back\\slash",
            "tab\there", "<b>bold</b>", "50%", "a&b", "replica", "DNS", "queue", "retry", "cache", "deploy",
            "rollback", "Kubernetes", "node-7", "eu-west-1", "p99", "5xx", "résumé", "Ñandú", "ß", "∑");
    private static final List<String> SUBJECTS = List.of(
            "Checkout errors", "Elevated latency", "Login failures", "Data pipeline stalled", "Search degraded",
            "Webhooks delayed", "Mobile app crash", "Billing mismatch", "Status page down", "Certificate expiry");

    private Texts() {
    }

    static String words(Rand rand, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(rand.chance(0.08) ? "\n" : " ");
            }
            out.append(rand.pick(WORDS));
        }
        return out.toString();
    }

    static String incidentName(Rand rand) {
        return rand.pick(SUBJECTS) + " " + rand.pick(WORDS) + (rand.chance(0.3) ? " 🚒" : "");
    }

    /**
     * At least minChars characters of paragraphs, for summaries that outgrow a page buffer. Characters are code
     * points: an emoji counts once, as it does for a reader (and for Python's len), not as its two UTF-16 units.
     */
    static String longText(Rand rand, int minChars) {
        StringBuilder out = new StringBuilder(minChars + 2_000);
        int characters = 0;
        while (characters < minChars) {
            String paragraph = words(rand, 40) + ".\n\n";
            out.append(paragraph);
            characters += paragraph.codePointCount(0, paragraph.length());
        }
        return out.toString();
    }
}
