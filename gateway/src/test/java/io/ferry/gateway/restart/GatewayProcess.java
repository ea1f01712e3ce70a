package io.ferry.gateway.restart;

import io.ferry.core.testing.ServiceProcess;
import io.ferry.gateway.ApiTokenFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The gateway run from its runnable jar ({@code ferry.gateway.jar}) as its own process, as the demo
 * runs it: it can be killed with SIGKILL and started again with the very same command line. Its one
 * account is an admin, whose token every request here carries.
 */
final class GatewayProcess implements AutoCloseable {
    private final ServiceProcess process;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();

    private GatewayProcess(ServiceProcess process, String token) {
        this.process = process;
        this.token = token;
    }

    /** Starts a gateway named {@code name} with its data under {@code work/name}; call {@link #awaitHealthy} next. */
    static GatewayProcess start(String name, Path work, List<String> args) {
        Path tokens = work.resolve(name + "-tokens");
        String token = ApiTokenFiles.add(tokens, "admin", "admin");
        List<String> argv = new ArrayList<>(List.of("--ferry.gateway.security.tokens-file=" + tokens,
                "--ferry.gateway.data-dir=" + work.resolve(name), "--ferry.gateway.registry=127.0.0.1:5000"));
        argv.addAll(args);
        return new GatewayProcess(ServiceProcess.start(name, "ferry.gateway.jar", work, argv), token);
    }

    GatewayProcess awaitHealthy() {
        process.awaitHealthy(Duration.ofMinutes(3));
        return this;
    }

    /** SIGKILL, as a crash: nothing is closed (an embedded PostgreSQL lives on). */
    void kill() {
        process.kill();
    }

    /** Starts it again with the same command line (and port). */
    GatewayProcess restart() {
        process.restart();
        return this;
    }

    OptionalInt awaitExit(Duration timeout) {
        return process.awaitExit(timeout);
    }

    boolean alive() {
        return process.alive();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(process.url(path)).header("Accept", "application/json").GET());
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(process.url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** {@code GET path} as a stream of lines (Server-Sent Events). */
    HttpResponse<java.util.stream.Stream<String>> stream(String path) {
        try {
            return http.send(HttpRequest.newBuilder(process.url(path)).header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder rb) {
        try {
            return http.send(rb.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.close();
        keepLog();
    }

    /** The log goes to ferry.cluster.logs (target/cluster-logs in the build) for a look after a failure. */
    private void keepLog() {
        String dir = System.getProperty("ferry.cluster.logs");
        if (dir == null || !Files.exists(process.log())) {
            return;
        }
        try {
            Path target = Files.createDirectories(Path.of(dir));
            Files.copy(process.log(), target.resolve(process.log().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // logs are a convenience
        }
    }
}
