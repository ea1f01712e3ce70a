package io.ferry.core.runtime;

import io.ferry.core.criu.CriuLogs;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.exec.Commands;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running {@code runc checkpoint --lazy-pages --page-server ADDR:PORT}: CRIU has written the images
 * without the memory pages and serves those from its page server until a lazy-pages daemon has fetched
 * them all, then runc exits. runc's {@code --status-fd} is its stdout here: one byte there means the
 * images are complete and the server listens.
 *
 * <p>Found with CRIU 4.2.1: a client that connects and closes without a request counts as "all pages
 * fetched" (exit 0), while an unknown request fails the transfer cleanly ("Lazy pages transfer FAILED",
 * the tasks are let go, runc exits 1). {@link #stop} uses the latter; a server already busy with a target
 * is killed instead (the tasks are let go by the kernel when their tracer dies).
 */
public final class LazyCheckpoint {
    private static final Pattern LAZY = Pattern.compile("Pagemap generated: \\d+ pages \\((\\d+) lazy\\)");
    private final Process process;
    private final Path workDir;
    private final Path stderr;
    private final String address;
    private final int port;

    private LazyCheckpoint(Process process, Path workDir, Path stderr, String address, int port) {
        this.process = process;
        this.workDir = workDir;
        this.stderr = stderr;
        this.address = address;
        this.port = port;
    }

    /** Starts runc and waits (at most {@code ready}) until the images are complete and the pages are served. */
    static LazyCheckpoint start(String id, List<String> command, Map<String, String> env, Path workDir, String address,
                                int port, Duration ready) {
        Path stderr = workDir.resolve("runc-lazy.err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(stderr.toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ToolFailedException("cannot run runc", List.of(e.getMessage()));
        }
        LazyCheckpoint lazy = new LazyCheckpoint(p, workDir, stderr, address, port);
        InputStream status = p.getInputStream();
        CompletableFuture<Integer> readyByte = new CompletableFuture<>();
        Thread reader = new Thread(() -> { // a thread of its own: the common pool may have one thread on 2 cores
            try {
                readyByte.complete(status.read());
            } catch (IOException e) {
                readyByte.complete(-1);
            }
        }, "ferry-lazy-checkpoint-status");
        reader.setDaemon(true);
        reader.start();
        try {
            int b = readyByte.get(ready.toMillis(), TimeUnit.MILLISECONDS);
            if (b < 0) { // runc ended before CRIU said it is ready
                waitQuietly(p, Duration.ofSeconds(10));
                throw new ToolFailedException("checkpointing container " + id + " for post-copy failed",
                        lazy.failureLines());
            }
            return lazy;
        } catch (TimeoutException e) {
            Commands.killTree(p.toHandle());
            throw new ToolFailedException("checkpointing container " + id + " for post-copy did not finish within "
                    + ready.toSeconds() + "s; CRIU was killed", lazy.failureLines());
        } catch (InterruptedException e) {
            Commands.killTree(p.toHandle());
            Thread.currentThread().interrupt();
            throw new ToolFailedException("interrupted while checkpointing container " + id, List.of());
        } catch (ExecutionException e) {
            Commands.killTree(p.toHandle());
            throw new ToolFailedException("checkpointing container " + id + " for post-copy failed",
                    List.of(String.valueOf(e.getCause())));
        }
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** runc's exit code, once the serving ends (0: every page the target asked for went, or it hung up). */
    public CompletableFuture<Integer> exit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    public boolean serving() {
        return process.isAlive();
    }

    /**
     * Stops serving: an unknown request makes CRIU fail the transfer and let the tasks go (they stay
     * frozen when the container was paused before the dump); if CRIU does not end within {@code grace}
     * (it is busy with a target and never reads our request), runc and CRIU are killed.
     */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        String host = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            OutputStream out = s.getOutputStream();
            byte[] garbage = new byte[64];
            Arrays.fill(garbage, (byte) 0xff);
            out.write(garbage);
            out.flush();
            waitQuietly(process, grace);
        } catch (IOException e) {
            // nothing listens (any more): CRIU is ending, or killed below
        }
        if (process.isAlive()) {
            Commands.killTree(process.toHandle());
            waitQuietly(process, Duration.ofSeconds(10));
        }
    }

    /**
     * The bytes of memory CRIU kept back for the target: its dump log's "Pagemap generated: N pages (M lazy)"
     * lines (with --leave-running CRIU's stats count no lazy pages).
     */
    public long lazyBytes() {
        Path log = workDir.resolve("dump.log");
        try {
            if (!Files.isRegularFile(log)) {
                return 0;
            }
            long pages = 0;
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                Matcher m = LAZY.matcher(line);
                if (m.find()) {
                    pages += Long.parseLong(m.group(1));
                }
            }
            return pages * 4096;
        } catch (IOException e) {
            return 0;
        }
    }

    /** CRIU's error lines from its dump log, and runc's own. */
    public List<String> failureLines() {
        List<String> lines = new ArrayList<>(CriuLogs.errorLines(workDir.resolve("dump.log")));
        for (Path log : List.of(workDir.resolve("runc.log"), stderr)) {
            runcErrors(log, lines);
        }
        return lines;
    }

    private static void runcErrors(Path log, List<String> lines) {
        try {
            if (Files.isRegularFile(log)) {
                Files.readAllLines(log).stream().filter(l -> l.contains("level=error") || l.contains("level=fatal"))
                        .map(l -> l.replaceFirst(".*msg=", "").replace("\"", "").strip())
                        .filter(l -> !l.isEmpty()).forEach(lines::add);
            }
        } catch (IOException ignored) {
            // the log is a report only
        }
    }

    private static void waitQuietly(Process p, Duration d) {
        try {
            p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
