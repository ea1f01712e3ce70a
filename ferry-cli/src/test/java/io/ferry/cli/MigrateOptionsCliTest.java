package io.ferry.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ferry.cli.FerryCliTest.ferryRaw;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: `ferry migrate --tcp-established --name` fails fast, with Podman's message, before the gateway is asked.
 * --file-locks reaches the request as {@code "fileLocks": true} (a JDK HTTP server stands in for the gateway's POST).
 */
class MigrateOptionsCliTest {
    @TempDir
    Path tmp;

    @Test
    void fileLocksGoesIntoTheRequestOnlyWhenAsked() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/api/migrations", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{\"id\":\"m-1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        gateway.start();
        try {
            Path token = Files.writeString(tmp.resolve("token"), "t0ken");
            String url = "http://127.0.0.1:" + gateway.getAddress().getPort();
            FerryCliTest.Run with = ferryRaw("migrate", "locker", "--from", "host-a", "--to", "host-b", "--gateway", url,
                    "--token-file", token.toString(), "--file-locks", "-d");
            FerryCliTest.Run without = ferryRaw("migrate", "locker", "--from", "host-a", "--to", "host-b", "--gateway", url,
                    "--token-file", token.toString(), "-d");

            assertThat(with.exit()).as(with.err()).isZero();
            assertThat(without.exit()).as(without.err()).isZero();
            assertThat(bodies).hasSize(2);
            assertThat(bodies.get(0)).contains("\"fileLocks\":true");
            assertThat(bodies.get(1)).doesNotContain("fileLocks");
        } finally {
            gateway.stop(0);
        }
        assertThat(ferryRaw("migrate", "--help").out()).contains("--file-locks", "Checkpoint and restore a container with file locks");
    }

    @Test
    void tcpEstablishedWithANewNameIsRefusedBeforeTheGatewayIsAsked() {
        // a gateway that is not there: the refusal must come first
        FerryCliTest.Run r = ferryRaw("migrate", "web", "--from", "host-a", "--to", "host-b", "--gateway",
                "http://127.0.0.1:9", "--tcp-established", "--name", "web2");

        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(r.err()).contains("--tcp-established cannot be used with --name").doesNotContain("127.0.0.1:9");
    }
}
