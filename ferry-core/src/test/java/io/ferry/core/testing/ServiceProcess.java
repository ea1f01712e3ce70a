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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final Map<String, String> env;
    private Process process;

    private ServiceProcess(String name, List<String> argv, Map<String, String> env, Path log, int port) {
        this.name = name;
        this.argv = List.copyOf(argv);
        this.env = Map.copyOf(env);
        this.log = log;
        this.port = port;
    }

    /**
     * The JIT option for a service a test starts: C1 only. Such a JVM lives for seconds to minutes and spends
     * most of its CPU starting Spring; C2 compiling at the same time nearly doubles that CPU (Boot's start:
     * about 15 s of CPU with C2, 8 s without), and a test starts many of them at once on a small machine.
     */
    public static final String QUICK_START = "-XX:TieredStopAtLevel=1";

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
                "-Xmx384m", QUICK_START, "-jar", jar, "--server.port=" + port));
        argv.addAll(args);
        ServiceProcess p = new ServiceProcess(name, argv, Map.of(), logDir.resolve(name + ".log"), port);
        p.launch(Map.of());
        return p;
    }

    /**
     * Starts exactly {@code argv} (e.g. {@code nsenter --net=... java -jar ...}: nsenter execs, so the pid
     * stays the service's) with {@code env} added to this process's environment, its output appended
     * to {@code log}; {@code port} is the one {@link #url} and {@link #awaitReady} use. The chaos suite
     * starts the demo's topology with it, and restarts a killed service with the same argv and env.
     */
    public static ServiceProcess launch(String name, List<String> argv, Map<String, String> env, Path log, int port) {
        ServiceProcess p = new ServiceProcess(name, argv, env, log, port);
        p.launch(Map.of());
        return p;
    }

    private void launch(Map<String, String> extraEnv) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> all = new HashMap<>(env);
            all.putAll(extraEnv);
            pb.environment().putAll(all);
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

    /** Its exit code once it exited within {@code timeout} (a failpoint's halt, a failed start); empty while it runs. */
    public java.util.OptionalInt awaitExit(Duration timeout) {
        return waitFor(timeout) ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    /** SIGKILL: the service dies mid-work, as in a crash (nothing is flushed, no offsets committed). */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** Starts the same process again (same port, arguments and environment). */
    public void restart() {
        restartWith(Map.of());
    }

    /** Starts it again with the same argv and env plus {@code extraEnv} (e.g. FERRY_FAILPOINTS for one life). */
    public void restartWith(Map<String, String> extraEnv) {
        if (alive()) {
            close();
        }
        launch(extraEnv);
    }

    public String name() {
        return name;
    }

    /** The service's pid (the JVM's; with nsenter in front, nsenter exec'd it). */
    public long pid() {
        return process.pid();
    }

    /** SIGSTOP: the service hangs (no heartbeats, no replies, sockets stay open) until {@link #resume}. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String sig) {
        if (!alive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        signal("CONT"); // a stopped process would not act on SIGTERM
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
