package io.ferry.cli;

import io.ferry.core.error.FerryException;
import io.ferry.core.json.Json;
import io.ferry.protocol.MigrationOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Starts a migration through the gateway and follows it live (its Server-Sent Events), a line per step. */
@Command(name = "migrate", description = "Move a running container to another host through the gateway, showing each step.")
final class MigrateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CONTAINER")
    String container;

    @Option(names = "--from", required = true, paramLabel = "HOST", description = "The host it runs on.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "HOST", description = "The host to move it to.")
    String to;

    @Mixin
    GatewayClient gateway;

    @Option(names = "--keep", description = "Leave the source running (checkpoint -R).")
    boolean keep;

    @Option(names = "--tcp-established", description = "Carry established TCP connections.")
    boolean tcpEstablished;

    @Option(names = "--name", description = "Restore under a new name (and id).")
    String newName;

    @Option(names = "--post-copy", description = "Post-copy: run the container on the target at once and fetch its memory"
            + " pages from the source afterwards (CRIU lazy pages; both hosts must list feature post-copy). The pages"
            + " travel unencrypted from CRIU's page server: a network only the hosts share.")
    boolean postCopy;

    // Podman's words (podman-container-checkpoint/restore --file-locks); a migration does both
    @Option(names = "--file-locks", description = "Checkpoint and restore a container with file locks. If an application"
            + " running in the container is using file locks, this option is required; otherwise migrating a container"
            + " with locks is expected to fail. If file locks are not used, this option is ignored.")
    boolean fileLocks;

    @Option(names = "--transfer", paramLabel = "direct|registry", description = "How the checkpoint travels: straight"
            + " to the target (direct, the default) or through the registry.")
    String transfer;

    @Option(names = {"-d", "--detach"}, description = "Print the migration's id and return at once.")
    boolean detach;

    @Override
    public Integer call() throws InterruptedException {
        // issue 12: refused before the gateway is asked, with the message the gateway (and Podman) gives
        new MigrationOptions(keep, tcpEstablished, newName).conflict().ifPresent(conflict -> {
            throw new IllegalArgumentException(conflict);
        });
        ObjectNode body = Json.MAPPER.createObjectNode().put("container", container).put("sourceHost", from)
                .put("targetHost", to).put("keep", keep).put("tcpEstablished", tcpEstablished);
        if (newName != null) {
            body.put("newName", newName);
        }
        if (postCopy) {
            body.put("postCopy", true);
        }
        if (fileLocks) {
            body.put("fileLocks", true);
        }
        if (transfer != null) { // the gateway checks the value and names the field if it is wrong
            body.put("transfer", transfer);
        }
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(gateway.resolve("/api/migrations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new FerryException(GatewayClient.detail(r.body(), "the gateway answered HTTP " + r.statusCode()));
        }
        String id = Json.MAPPER.readTree(r.body()).path("id").asString();
        if (detach) {
            System.out.println(id);
            return 0;
        }
        System.out.printf("migration %s: %s from %s to %s%n", id, container, from, to);
        HttpResponse<java.util.stream.Stream<String>> events = gateway.send(HttpRequest.newBuilder(
                gateway.resolve("/api/migrations/" + id + "/events")).header("Accept", "text/event-stream").GET(),
                HttpResponse.BodyHandlers.ofLines());
        Instant start = null;
        String outcome = null;
        for (Iterator<String> lines = events.body().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            if (!line.startsWith("data:")) {
                continue;
            }
            JsonNode e = Json.MAPPER.readTree(line.substring(5).strip());
            Instant at = Instant.parse(e.path("meta").path("at").asString());
            start = start == null ? at : start;
            System.out.printf(Locale.ROOT, "%8.3fs  %-22s %s%n", Duration.between(start, at).toMillis() / 1000.0,
                    e.path("type").asString(), ProgressLines.describe(e));
            System.out.flush();
            String type = e.path("type").asString();
            if (type.equals("MigrationCompleted") || type.equals("MigrationRolledBack") || type.equals("MigrationFailed")
                    || type.equals("MigrationRejected")) {
                outcome = type;
                break;
            }
        }
        return "MigrationCompleted".equals(outcome) ? 0 : FerryCli.EXIT_FAILURE;
    }
}
