package io.ferry.bench.compare;

import java.time.Duration;
import java.util.List;

/**
 * Asks a container whether its memory survived: the checksum it printed at start ({@code sum0}) must
 * equal the one it prints on SIGUSR1 after a restore, and its counter must go on. A mismatch throws
 * {@link ChecksumMismatch}: the bench run fails, loudly.
 */
final class MemoryProbe {
    private static final Duration SUM_TIMEOUT = Duration.ofMinutes(15);

    /** A running workload container, wherever it runs: its output and a way to send it SIGUSR1. */
    interface Target {
        List<String> lines();

        void signalUsr1();
    }

    static final class ChecksumMismatch extends IllegalStateException {
        ChecksumMismatch(String message) {
            super(message);
        }
    }

    private MemoryProbe() {
    }

    /** Waits until the workload has filled its memory and counts; returns its start checksum. */
    static String awaitStarted(Target t, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = t.lines();
            String sum = lines.stream().filter(l -> l.startsWith("sum0 ")).map(l -> l.substring(5).strip()).findFirst().orElse(null);
            if (sum != null && lastNumber(lines) >= 0) {
                return sum;
            }
            sleep(250);
        }
        throw new IllegalStateException("the workload did not start within " + timeout + "; output tail: " + tail(t.lines()));
    }

    /** The counter's last value (-1 before the first). */
    static int lastNumber(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).matches("\\d+")) {
                return Integer.parseInt(lines.get(i));
            }
        }
        return -1;
    }

    /** After a restore: the counter passes {@code counterBefore} and the memory's checksum is {@code expected}. */
    static void verify(String what, Target t, String expected, int counterBefore) {
        long deadline = System.nanoTime() + SUM_TIMEOUT.toNanos();
        int sumsBefore = sums(t.lines());
        t.signalUsr1(); // once: a second request would compute again, maybe during the next checkpoint
        while (System.nanoTime() < deadline) {
            List<String> lines = t.lines();
            if (sums(lines) > sumsBefore && lastNumber(lines) > counterBefore) {
                String got = lastSum(lines);
                if (!got.equals(expected)) {
                    throw new ChecksumMismatch("MEMORY CHECKSUM MISMATCH after " + what + ": expected " + expected
                            + ", the restored container has " + got);
                }
                return;
            }
            sleep(200);
        }
        throw new ChecksumMismatch("no checksum (or no counting) from the container after " + what + " within "
                + SUM_TIMEOUT + "; output tail: " + tail(t.lines()));
    }

    private static int sums(List<String> lines) {
        return (int) lines.stream().filter(l -> l.startsWith("sum ")).count();
    }

    private static String lastSum(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("sum ")) {
                return lines.get(i).substring(4).strip();
            }
        }
        return "";
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 8), lines.size());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
