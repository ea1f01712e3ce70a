package io.ferry.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Ferry service run as its own process from its runnable jar (named by a system property the
 * module's build sets), on a free port, its output in a log file; ready once a URL answers. Tests
 * of one service talk to the others over HTTP and Kafka only, as when deployed apart.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final List<String> argv;
    private final Path log;
    private final int port;
    private Process process;
    private java.util.Map<String, String> environment = java.util.Map.of();

    private ServiceProcess(String name, List<String> argv, Path log, int port) {
        this.name = name;
        this.argv = argv;
        this.log = log;
        this.port = port;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code java -jar <jar of jarProperty> --server.port=P args...}; call {@link #awaitReady} next. */
    public static ServiceProcess start(String name, String jarProperty, Path logDir, List<String> args) {
        String jar = System.getProperty(jarProperty);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property " + jarProperty + " must name " + name
                    + "'s runnable jar (run the tests through mvn verify), not " + jar);
        }
        int port = freePort();
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", jar, "--server.port=" + port));
        argv.addAll(args);
        ServiceProcess p = new ServiceProcess(name, argv, logDir.resolve(name + ".log"), port);
        p.launch();
        return p;
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(environment);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code path} on the service answers with one of {@code statuses}. */
    public ServiceProcess awaitReady(String path, Set<Integer> statuses, Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url(path)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (statuses.contains(r.statusCode())) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    public ServiceProcess awaitHealthy(Duration timeout) {
        return awaitReady("/actuator/health", Set.of(200), timeout);
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Its exit code once it exited within {@code timeout}; empty while it still runs. */
    public java.util.OptionalInt awaitExit(Duration timeout) {
        return waitFor(timeout) ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    /** SIGKILL: the service dies mid-work, as in a crash (nothing is flushed, no offsets committed). */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** Starts the same process again (same port and arguments). */
    public void restart() {
        if (alive()) {
            close();
        }
        launch();
    }

    /** Starts the same process again with these extra environment variables (e.g. FERRY_FAILPOINTS), or none. */
    public void restart(java.util.Map<String, String> env) {
        if (alive()) {
            close();
        }
        environment = java.util.Map.copyOf(env);
        launch();
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM: Spring closes the context (and an embedded PostgreSQL with it)
        if (!waitFor(Duration.ofSeconds(30))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
