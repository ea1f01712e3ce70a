package io.ferry.bench.chaos;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The gateway's REST API as an operator uses it (bearer token); a gateway that is down answers empty. */
public final class GatewayApi {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;

    GatewayApi(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** POST /api/migrations; status and body, or status -1 when the gateway did not answer. */
    HttpResponse<String> requestMigration(String id, String container, String from, String to) throws IOException {
        String body = "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"container\":\"" + container
                + "\",\"sourceHost\":\"" + from + "\",\"targetHost\":\"" + to + "\"}";
        return send(HttpRequest.newBuilder(URI.create(base + "/api/migrations")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** POST /api/migrations with Podman's tcpEstablished option (issue 12: the held connections move along). */
    public HttpResponse<String> requestMigration(String container, String from, String to, boolean tcpEstablished)
            throws IOException {
        String body = "{\"container\":\"" + container + "\",\"sourceHost\":\"" + from + "\",\"targetHost\":\"" + to
                + "\",\"tcpEstablished\":" + tcpEstablished + "}";
        return send(HttpRequest.newBuilder(URI.create(base + "/api/migrations")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Optional<JsonNode> migration(String id) {
        return getJson("/api/migrations/" + id);
    }

    /** The migration's event log as a list of messages (each with "type"). */
    public Optional<JsonNode> events(String id) {
        return getJson("/api/migrations/" + id + "/events");
    }

    /** Active migrations of this container (any id): what the next run must not overlap. */
    Optional<JsonNode> migrations() {
        return getJson("/api/migrations");
    }

    boolean cancel(String id) {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + "/api/migrations/" + id + "/cancel"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody())).statusCode() == 202;
        } catch (IOException e) {
            return false;
        }
    }

    /** The gateway's view of a host: up when its checkpoint- and restore-service are. */
    boolean hostUp(String hostId) {
        String h = getJson("/api/hosts/" + hostId).map(JsonNode::toString).orElse("");
        return h.contains("\"checkpoint\":{\"role\":\"checkpoint\",\"up\":true")
                && h.contains("\"restore\":{\"role\":\"restore\",\"up\":true");
    }

    /** The containers the host last reported (JSON text; empty when the gateway does not answer). */
    public String hostContainers(String hostId) {
        return getJson("/api/hosts/" + hostId + "/containers").map(JsonNode::toString).orElse("");
    }

    boolean healthy() {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).timeout(Duration.ofSeconds(5)).GET())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<JsonNode> getJson(String path) {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET());
            return r.statusCode() == 200 ? Optional.of(JsonMapper.shared().readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException {
        try {
            return http.send(b.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
