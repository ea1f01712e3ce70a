package io.ferry.cli;

import io.ferry.core.error.FerryException;
import io.ferry.core.json.Json;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gateway as the commands that call it see it (a picocli mixin): its URL and the caller's token,
 * from {@code --token-file} or {@code $FERRY_TOKEN}, never from the command line itself, where
 * {@code ps} would show it. A 401 or 403 becomes a message that says what to fix.
 */
final class GatewayClient {
    @Option(names = "--gateway", defaultValue = "${FERRY_GATEWAY:-http://localhost:8080}",
            description = "The gateway's URL (default: $FERRY_GATEWAY or ${DEFAULT-VALUE}).")
    URI gateway;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the token sent to the gateway: an API token (scripts/new-token.sh) or a JWT"
                    + " (default: the token in $FERRY_TOKEN).")
    Path tokenFile;

    private final HttpClient http = HttpClient.newHttpClient();
    private String token;

    URI resolve(String path) {
        return gateway.resolve(path);
    }

    /** Sends the request with the caller's token; a 401/403 is thrown as a FerryException saying why. */
    <T> HttpResponse<T> send(HttpRequest.Builder rb, HttpResponse.BodyHandler<T> handler) throws InterruptedException {
        HttpResponse<T> r;
        try {
            r = http.send(rb.header("Authorization", "Bearer " + token()).build(), handler);
        } catch (IOException e) {
            throw new FerryException("cannot reach the gateway at " + gateway + ": " + e.getMessage(), e);
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw refused(r.statusCode(), r.body() instanceof String s ? s : "");
        }
        return r;
    }

    private FerryException refused(int status, String body) {
        String detail = detail(body, "HTTP " + status);
        String source = tokenFile != null ? "the token in " + tokenFile : "the token in $FERRY_TOKEN";
        if (status == 401) {
            return new FerryException("the gateway at " + gateway + " did not accept " + source + ": " + detail);
        }
        return new FerryException("the gateway at " + gateway + " refused the request: " + detail);
    }

    /** A problem detail's {@code detail}, or {@code otherwise}. */
    static String detail(String body, String otherwise) {
        try {
            String d = Json.MAPPER.readTree(body).path("detail").asString("");
            return d.isEmpty() ? otherwise : d;
        } catch (RuntimeException e) {
            return otherwise;
        }
    }

    private String token() {
        if (token == null) {
            token = tokenFile != null ? read(tokenFile) : System.getenv("FERRY_TOKEN");
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("no token for the gateway: pass --token-file FILE or set FERRY_TOKEN"
                        + " (an administrator makes one with scripts/new-token.sh)");
            }
            token = token.strip();
        }
        return token;
    }

    private static String read(Path file) {
        try {
            String t = Files.readString(file).strip();
            if (t.isEmpty() || t.contains("\n") || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("the token file " + file + " must hold one token on one line");
            }
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + ErrorMessages.of(e));
        }
    }
}
