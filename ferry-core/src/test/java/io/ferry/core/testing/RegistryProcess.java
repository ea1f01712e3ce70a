package io.ferry.core.testing;

import io.ferry.core.host.FileTrees;

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
import java.util.concurrent.TimeUnit;

/**
 * registry-service run as its own process from its runnable jar (system property
 * {@code ferry.registry.jar}, set by the module's build), with its own data directory and embedded
 * PostgreSQL: other services' tests talk to it over HTTP only, as when deployed.
 */
public final class RegistryProcess implements AutoCloseable {
    public static final String USER = "ferry";
    public static final String PASSWORD = "secret";

    private final Process process;
    private final Path data;
    private final int port;

    private RegistryProcess(Process process, Path data, int port) {
        this.process = process;
        this.data = data;
        this.port = port;
    }

    public static RegistryProcess start(String... extraArgs) {
        String jar = System.getProperty("ferry.registry.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property ferry.registry.jar must name registry-service's exec jar, not "
                    + jar);
        }
        try {
            Path data = Files.createTempDirectory("ferry-registry-process");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar, "--server.port=" + port, "--ferry.registry.data-dir=" + data,
                    "--ferry.registry.auth.users." + USER + "=" + PASSWORD));
            argv.addAll(List.of(extraArgs));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(data.resolve("registry.log").toFile()).start();
            RegistryProcess r = new RegistryProcess(p, data, port);
            r.awaitUp(Duration.ofMinutes(2));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitUp(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry-service exited; see " + data.resolve("registry.log"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 401 || r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("registry-service did not answer within " + timeout);
    }

    /** host:port, as image references name it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String credentials() {
        return USER + ":" + PASSWORD;
    }

    public Path dataDir() {
        return data;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FileTrees.deleteRecursively(data);
    }
}
