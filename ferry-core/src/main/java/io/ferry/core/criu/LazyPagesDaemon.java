package io.ferry.core.criu;

import io.ferry.core.error.ToolFailedException;
import io.ferry.core.exec.Commands;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A post-copy target's {@code criu lazy-pages --page-server}: it listens on {@code lazy-pages.socket} in
 * the work dir (runc's {@code --work-path}: {@code runc restore --lazy-pages} hands it the restored tasks'
 * userfaultfds there) and fetches every memory page from the source's page server, first those the
 * process touches, the rest in the background; it exits 0 once all have arrived.
 */
public final class LazyPagesDaemon {
    public static final String SOCKET = "lazy-pages.socket";
    public static final String LOG = "lazy-pages.log";
    private static final long PAGE = 4096;
    private static final Pattern READ = Pattern.compile(" Read [0-9a-f]+ (\\d+) pages");

    private final Process process;
    private final Path workDir;
    private final long startedNanos;

    private LazyPagesDaemon(Process process, Path workDir, long startedNanos) {
        this.process = process;
        this.workDir = workDir;
        this.startedNanos = startedNanos;
    }

    /** Starts the daemon and waits (at most {@code ready}) for its socket. */
    public static LazyPagesDaemon start(Criu criu, String address, int port, Path imagesDir, Path workDir,
                                        Duration ready) {
        // -v3: each page request is logged, which is what transferredBytes() counts
        List<String> cmd = List.of(criu.binary().toString(), "lazy-pages", "--page-server", "--address", address,
                "--port", String.valueOf(port), "-D", imagesDir.toString(), "-W", workDir.toString(),
                "-v3", "-o", LOG);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(workDir.resolve("lazy-pages.err").toFile());
        pb.environment().putAll(criu.environment());
        long start = System.nanoTime();
        Process p;
        try {
            Files.deleteIfExists(workDir.resolve(SOCKET));
            p = pb.start();
        } catch (IOException e) {
            throw new ToolFailedException("cannot run CRIU's lazy-pages daemon", List.of(e.getMessage()));
        }
        LazyPagesDaemon daemon = new LazyPagesDaemon(p, workDir, start);
        long deadline = start + ready.toNanos();
        while (!Files.exists(workDir.resolve(SOCKET))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                daemon.kill();
                throw new ToolFailedException("CRIU's lazy-pages daemon did not start (page server " + address + ":"
                        + port + ")", daemon.errorLines());
            }
            sleep(10);
        }
        return daemon;
    }

    /** The daemon's exit code, once every page arrived (0) or the transfer broke off. */
    public CompletableFuture<Integer> exit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Duration running() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    public void kill() {
        if (process.isAlive()) {
            Commands.killTree(process.toHandle());
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The bytes of memory the daemon fetched, from its log's page reads. */
    public long transferredBytes() {
        try {
            Path log = workDir.resolve(LOG);
            if (!Files.isRegularFile(log)) {
                return 0;
            }
            long pages = 0;
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                Matcher m = READ.matcher(line);
                if (m.find()) {
                    pages += Long.parseLong(m.group(1));
                }
            }
            return pages * PAGE;
        } catch (IOException e) {
            return 0;
        }
    }

    /** CRIU's error lines from the daemon's log and stderr. */
    public List<String> errorLines() {
        List<String> lines = new ArrayList<>(CriuLogs.errorLines(workDir.resolve(LOG)));
        lines.addAll(CriuLogs.errorLines(workDir.resolve("lazy-pages.err")));
        if (lines.isEmpty() && Files.exists(workDir.resolve(LOG))) {
            lines.add("CRIU log: " + workDir.resolve(LOG));
        }
        return lines;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
