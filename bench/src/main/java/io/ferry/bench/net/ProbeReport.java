package io.ferry.bench.net;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the client saw: a short table for people and one {@code PROBE key=value ...} line for scripts and
 * tests ({@link #parse}). Times are epoch milliseconds; a gap's from/to are the two answers around it.
 */
public record ProbeReport(Http http, Tcp tcp) {
    public static final String PREFIX = "PROBE ";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** {@code lastOkAgeMs}: how long before the end the last answer came (-1: none ever). */
    public record Http(int ok, int failed, long maxGapMs, long maxGapFrom, long maxGapTo, long lastOkAgeMs) {
    }

    /** {@code jump}: the first break in the counter ("41 -> 0"), null when it went on one by one. */
    public record Tcp(String fate, long lines, long first, long last, String jump, long maxGapMs, long maxGapFrom,
                      long maxGapTo, long lastLineAgeMs) {
        public boolean kept() {
            return fate.equals("kept");
        }
    }

    public String table(String target) {
        String counter = tcp.lines() == 0 ? "no lines"
                : "counter " + tcp.first() + ".." + tcp.last() + (tcp.jump() == null ? ", continued without a reset"
                : ", JUMPED " + tcp.jump());
        return String.join("\n",
                "client probe of " + target,
                String.format("  HTTP requests         %d ok, %d failed", http.ok(), http.failed()),
                String.format("  longest HTTP gap      %d ms%s", http.maxGapMs(), span(http.maxGapFrom(), http.maxGapTo())),
                String.format("  held TCP connection   %s, %d lines, %s", tcp.fate(), tcp.lines(), counter),
                String.format("  longest TCP gap       %d ms%s", tcp.maxGapMs(), span(tcp.maxGapFrom(), tcp.maxGapTo())));
    }

    private static String span(long from, long to) {
        return from == 0 ? "" : " (" + CLOCK.format(Instant.ofEpochMilli(from)) + " -> " + CLOCK.format(Instant.ofEpochMilli(to)) + " UTC)";
    }

    public String line() {
        return PREFIX + "http_ok=" + http.ok() + " http_failed=" + http.failed() + " http_max_gap_ms=" + http.maxGapMs()
                + " http_gap_from=" + http.maxGapFrom() + " http_gap_to=" + http.maxGapTo()
                + " http_last_ok_age_ms=" + http.lastOkAgeMs()
                + " tcp=" + tcp.fate().replaceFirst(" .*", "") + " tcp_lines=" + tcp.lines() + " tcp_first=" + tcp.first()
                + " tcp_last=" + tcp.last() + " counter=" + (tcp.jump() == null ? "continued" : "jumped")
                + " tcp_max_gap_ms=" + tcp.maxGapMs() + " tcp_gap_from=" + tcp.maxGapFrom() + " tcp_gap_to=" + tcp.maxGapTo()
                + " tcp_last_line_age_ms=" + tcp.lastLineAgeMs();
    }

    /** The key=value pairs of a {@link #line()}. */
    public static Map<String, String> parse(String line) {
        if (!line.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a probe line: " + line);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : line.substring(PREFIX.length()).trim().split(" +")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return values;
    }
}
