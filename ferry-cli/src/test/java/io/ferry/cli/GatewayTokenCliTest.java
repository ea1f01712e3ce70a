package io.ferry.cli;

import com.sun.net.httpserver.HttpServer;
import io.ferry.cli.FerryCliTest.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ferry migrate and ferry replay send a token, and say clearly when there is none or the gateway
 * refuses it. The gateway here is a real HTTP server on loopback that answers as the gateway does
 * (problem details; the gateway's own refusals are tested in the gateway's GatewayAuthenticationTest).
 */
class GatewayTokenCliTest {
    private static final String GOOD = "ferry_operator-token";
    private static final String VIEWER = "ferry_viewer-token";

    private HttpServer gateway;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    @TempDir
    Path tmp;

    @BeforeEach
    void startGateway() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", exchange -> {
            String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            authorizations.add(auth);
            int status;
            String body;
            if (auth.equals("Bearer " + GOOD)) {
                status = 200;
                body = "{\"migrations\":0}";
            } else if (auth.equals("Bearer " + VIEWER)) {
                status = 403;
                body = "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\"POST "
                        + exchange.getRequestURI().getPath() + " needs the role operator; watcher has the role viewer\"}";
            } else {
                status = 401;
                body = "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                        + "\"detail\":\"invalid bearer token: unknown API token\"}";
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        gateway.start();
    }

    @AfterEach
    void stopGateway() {
        gateway.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + gateway.getAddress().getPort();
    }

    private Path tokenFile(String token) throws IOException {
        Path f = tmp.resolve("token");
        Files.writeString(f, token + "\n");
        return f;
    }

    @Test
    void migrateWithoutATokenSaysHowToGiveOneAndSendsNothing() {
        assumeTrue(System.getenv("FERRY_TOKEN") == null, "FERRY_TOKEN is set in this environment");

        Run r = ferry("migrate", "looper", "--from", "a", "--to", "b", "--gateway", url());

        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("Error: no token for the gateway: pass --token-file FILE or set FERRY_TOKEN"
                + " (an administrator makes one with scripts/new-token.sh)\n");
        assertThat(authorizations).isEmpty();
    }

    @Test
    void aTokenTheGatewayDoesNotKnowIsSaidWithItsFileAndNotShown() throws IOException {
        Path file = tokenFile("ferry_not-a-real-one");

        Run r = ferry("migrate", "looper", "--from", "a", "--to", "b", "--gateway", url(), "--token-file", file.toString());

        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("Error: the gateway at " + url() + " did not accept the token in " + file
                + ": invalid bearer token: unknown API token\n");
        assertThat(authorizations).containsExactly("Bearer ferry_not-a-real-one");
    }

    @Test
    void aRoleThatMayNotMigrateIsSaid() throws IOException {
        Run r = ferry("migrate", "looper", "--from", "a", "--to", "b", "--gateway", url(), "--token-file",
                tokenFile(VIEWER).toString());

        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("Error: the gateway at " + url() + " refused the request: POST /api/migrations"
                + " needs the role operator; watcher has the role viewer\n");
    }

    @Test
    void replaySendsTheTokenFromItsFile() throws IOException {
        Run r = ferry("replay", "--gateway", url(), "--token-file", tokenFile(GOOD).toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"migrations\":0");
        assertThat(authorizations).containsExactly("Bearer " + GOOD);
    }

    @Test
    void aTokenFileWithMoreThanATokenIsRefused() throws IOException {
        Path file = tokenFile("two\nlines");

        Run r = ferry("replay", "--gateway", url(), "--token-file", file.toString());

        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("Error: the token file " + file + " must hold one token on one line\n");
        assertThat(authorizations).isEmpty();
    }

    private static Run ferry(String... args) {
        return FerryCliTest.ferryRaw(args);
    }
}
