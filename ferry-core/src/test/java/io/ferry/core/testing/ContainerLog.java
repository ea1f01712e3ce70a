package io.ferry.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A container's log as the looper tests read it: the numbers it printed, in order. */
public record ContainerLog(Path file) {

    public List<String> lines() {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines that are counter values (optionally after a prefix such as "tcp-"). */
    public List<Integer> numbers(String prefix) {
        return lines().stream().filter(l -> l.matches(java.util.regex.Pattern.quote(prefix) + "\\d+"))
                .map(l -> Integer.parseInt(l.substring(prefix.length()))).toList();
    }

    public List<Integer> numbers() {
        return numbers("");
    }

    public int last() {
        List<Integer> n = numbers();
        return n.isEmpty() ? -1 : n.get(n.size() - 1);
    }

    /** Polls until the log satisfies the condition; fails with the log's tail if it never does. */
    public ContainerLog await(Predicate<ContainerLog> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(this)) {
                return this;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> lines = lines();
        throw new AssertionError("timed out waiting for " + what + "; log tail: "
                + lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    public ContainerLog awaitNumberAtLeast(int n, Duration timeout) {
        return await(l -> l.last() >= n, timeout, "counter >= " + n);
    }
}
