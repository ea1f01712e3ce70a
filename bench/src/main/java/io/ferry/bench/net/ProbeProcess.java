package io.ferry.bench.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link NetworkProbe} as a process in a client's network namespace (nsenter --net), its output in a file:
 * started, awaited until READY, stopped by its stop file; {@link #close} kills it if it still runs.
 */
public final class ProbeProcess implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path stopFile;

    private ProbeProcess(Process process, Path out, Path stopFile) {
        this.process = process;
        this.out = out;
        this.stopFile = stopFile;
    }

    /** What the probe printed: its table and its {@code PROBE} line's values. */
    public record Result(String table, Map<String, String> values) {
        public long number(String key) {
            return Long.parseLong(values.get(key));
        }
    }

    public static ProbeProcess start(String netns, String http, String tcp, Path dir) {
        try {
            Path out = dir.resolve("probe.out");
            Path stop = dir.resolve("probe.stop");
            Files.deleteIfExists(stop);
            String classes = Path.of(NetworkProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of("nsenter", "--net=/var/run/netns/" + netns, java, "-cp", classes,
                    NetworkProbe.class.getName(), "--http", http, "--tcp", tcp, "--stop-file", stop.toString(),
                    "--max-seconds", "600"))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return new ProbeProcess(p, out, stop);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the probe got an HTTP answer and the counter's first line; fails with its output if not. */
    public void awaitReady(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (output().lines().anyMatch("READY"::equals)) {
                return;
            }
            NetworkProbe.sleep(100);
        }
        throw new IllegalStateException("the probe did not get ready in " + bound.toSeconds() + " s: " + output());
    }

    /** Stops the probe and returns what it saw. */
    public Result stop() {
        try {
            Files.writeString(stopFile, "stop");
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the probe did not stop: " + output());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String text = output();
        String line = text.lines().filter(l -> l.startsWith(ProbeReport.PREFIX)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no PROBE line in: " + text));
        String table = text.lines().filter(l -> !l.equals("READY") && !l.startsWith(ProbeReport.PREFIX))
                .reduce((x, y) -> x + "\n" + y).orElse("");
        return new Result(table, ProbeReport.parse(line));
    }

    private String output() {
        try {
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
