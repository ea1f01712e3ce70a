package io.ferry.gateway;

import io.ferry.core.host.Host;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.TestHost;
import io.ferry.core.transfer.TransferStatement;
import io.ferry.core.trust.HostKeys;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, direct transfer: a migration's checkpoint streams from A's checkpoint-service straight to
 * B's restore-service (real runc + CRIU, real services, Kafka and the gateway), and B's endpoint takes
 * nothing from anyone but the source host, signed for it.
 */
class DirectTransferEndToEndTest extends TwoHostMigrationTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private List<String> timeline(String id) {
        List<String> types = new ArrayList<>();
        Json.MAPPER.readTree(cluster.get("/api/migrations/" + id + "/events").body()).forEach(e -> types.add(e.path("type").asString()));
        return types;
    }

    private JsonNode events(String id, String type) {
        for (JsonNode e : Json.MAPPER.readTree(cluster.get("/api/migrations/" + id + "/events").body())) {
            if (e.path("type").asString().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " in " + timeline(id));
    }

    private void memoryContainerOnA(String name, long bytes) {
        MemoryChecksums.run(a, name, bytes);
        FerryCluster.await(() -> cluster.get("/api/hosts/" + a.host().id() + "/containers").body().contains("\"" + name + "\""),
                Duration.ofSeconds(30), "the gateway to see " + name);
    }

    private String started(String container, String transfer) {
        HttpResponse<String> created = cluster.post("/api/migrations", "{\"container\":\"" + container + "\",\"sourceHost\":\""
                + a.host().id() + "\",\"targetHost\":\"" + b.host().id() + "\",\"transfer\":\"" + transfer + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private List<Path> stagedOnB() {
        return b.engine().transfers().stagedDirectories();
    }

    @Test
    void aMemoryChecksummedContainerMovesStraightToTheTargetWithItsMemoryIntact() {
        memoryContainerOnA("direct-mem", 64L << 20);
        List<String> before = MemoryChecksums.sums(a.log("direct-mem"));

        String id = started("direct-mem");
        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertThat(m.path("options").path("transfer").asString()).isEqualTo("direct");
        assertThat(m.path("options").path("direct").asBoolean()).isTrue();
        JsonNode completed = events(id, "CheckpointCompleted");
        assertThat(completed.path("direct").asBoolean()).as(completed.toString()).isTrue();
        assertThat(completed.path("signature").isObject()).isTrue();
        JsonNode restore = events(id, "RestoreCommand");
        assertThat(restore.path("direct").asBoolean()).isTrue();
        assertThat(restore.path("archiveDigest").asString()).isEqualTo(completed.path("digest").asString());
        ContainerLog onB = b.log("direct-mem");
        List<String> after = MemoryChecksums.awaitSums(onB, before.size() + 1, Duration.ofSeconds(60));
        assertThat(after).as("every checksum, before and after the move").containsOnly(before.get(0));
        assertThat(stagedOnB()).as("the staged transfer is gone once restored").isEmpty();
        // the registry copy follows, off the critical path: after the migration completed
        FerryCluster.await(() -> timeline(id).contains("ArchiveStored"), Duration.ofSeconds(90), "the registry copy");
        assertThat(timeline(id)).containsSubsequence("SourceFinalized", "MigrationCompleted", "ArchiveStored");
        JsonNode stored = events(id, "ArchiveStored");
        assertThat(stored.path("manifestDigest").asString()).startsWith("sha256:");
        assertThat(stored.path("archive").asString()).isEqualTo(m.path("archive").path("ref").asString());
        assertThat(cluster.get("/api/migrations/" + id).body()).as("the view shows the registry copy")
                .contains("\"storedManifest\":\"" + stored.path("manifestDigest").asString() + "\"");
        awaitSourceCopyGone("direct-mem");
        long progress = timeline(id).stream().filter("UploadProgress"::equals).count();
        assertThat(progress).as("progress at most once a second, and the last").isLessThanOrEqualTo(
                Math.max(2, m.path("timings").path("checkpointMillis").asLong() / 1000 + 2));
    }

    @Test
    void aRegistryCopyCutOffByACrashIsFinishedWhenTheSourceServiceStartsAgain() {
        var checkpoints = cluster.node("hosta").checkpoints();
        checkpoints.restartWith(java.util.Map.of("FERRY_FAILPOINTS", "checkpoint.export-kept=halt"));
        checkpoints.awaitHealthy(Duration.ofMinutes(2));
        FerryCluster.await(() -> Json.MAPPER.readTree(cluster.get("/api/hosts/" + a.host().id()).body())
                .path("services").path("checkpoint").path("up").asBoolean(false), Duration.ofSeconds(30), "A's checkpoint-service up");
        looperOnA("copy-crash");

        String id = started("copy-crash");
        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);
        assertThat(m.path("state").asString()).as("the migration does not wait for the copy: " + m).isEqualTo("COMPLETED");
        assertThat(checkpoints.awaitExit(MIGRATION)).as("checkpoint-service halted during the registry copy").hasValue(137);
        assertThat(a.engine().containers().store().find("copy-crash")).as("the stopped copy waits for its registry copy")
                .isPresent();
        checkpoints.restart();
        checkpoints.awaitHealthy(Duration.ofMinutes(2));

        FerryCluster.await(() -> timeline(id).contains("ArchiveStored"), Duration.ofSeconds(90), "the finished registry copy");
        awaitSourceCopyGone("copy-crash");
        assertThat(b.running("copy-crash")).isTrue();
        // its record goes last, after the stopped copy (checkpoint-service's storeCopy)
        FerryCluster.await(() -> isEmptyDirectory(a.engine().host().root().resolve("registry-copies")), Duration.ofSeconds(30),
                "the record of the finished registry copy to be removed");
        assertThat(a.engine().host().root().resolve("registry-copies")).isEmptyDirectory();
    }

    // ---- the endpoint under attack: refused, and nothing staged ----

    private HttpResponse<String> put(String migrationId, String authorization, long expandedBytes, byte[] body) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(cluster.node("hostb").restores().url("/transfers/" + migrationId))
                .header("Ferry-Transfer-Expanded-Bytes", Long.toString(expandedBytes))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            rb.header(TransferStatement.HEADER, authorization);
        }
        try {
            return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HostKeys keysOf(TestHost host) {
        return HostKeys.loadIfPresent(host.host()).orElseThrow();
    }

    @Test
    void theTransferEndpointRefusesAllButTheSourceHostAndStagesNothing() throws Exception {
        byte[] junk = "not a checkpoint archive".getBytes();
        String b = this.b.host().id();
        String aId = a.host().id();
        Path elsewhere = Files.createTempDirectory("ferry-attackers");
        try {
            HostKeys mallory = HostKeys.loadOrCreate(new Host(aId, elsewhere.resolve("m"))); // claims to be A
            HostKeys stranger = HostKeys.loadOrCreate(new Host("hostc", elsewhere.resolve("c")));

            HttpResponse<String> none = put("m-attack-1", null, 10, junk);
            assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
            assertThat(none.body()).contains("\"title\"").contains("Ferry-Transfer-Authorization");
            HttpResponse<String> forged = put("m-attack-2", TransferStatement.issue("m-attack-2", aId, b).header(mallory), 10, junk);
            assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
            HttpResponse<String> untrusted = put("m-attack-3", TransferStatement.issue("m-attack-3", "hostc", b).header(stranger), 10, junk);
            assertThat(untrusted.statusCode()).as(untrusted.body()).isEqualTo(403);
            assertThat(untrusted.body()).contains("trust store");
            HttpResponse<String> elsewhereTarget = put("m-attack-4", TransferStatement.issue("m-attack-4", aId, aId).header(keysOf(a)),
                    10, junk);
            assertThat(elsewhereTarget.statusCode()).as(elsewhereTarget.body()).isEqualTo(403);
            assertThat(elsewhereTarget.body()).contains("not for this host");
            HttpResponse<String> stale = put("m-attack-5", new TransferStatement("m-attack-5", aId, b,
                    Instant.now().minusSeconds(600), "0123456789abcdef0123456789abcdef").header(keysOf(a)), 10, junk);
            assertThat(stale.statusCode()).as(stale.body()).isEqualTo(401);
            HttpResponse<String> oversize = put("m-attack-6", TransferStatement.issue("m-attack-6", aId, b).header(keysOf(a)),
                    1L << 50, junk);
            assertThat(oversize.statusCode()).as(oversize.body()).isEqualTo(413);
            String once = TransferStatement.issue("m-attack-7", aId, b).header(keysOf(a));
            HttpResponse<String> garbage = put("m-attack-7", once, 10, junk);
            assertThat(garbage.statusCode()).as("authenticated, but not an archive: " + garbage.body()).isEqualTo(422);
            HttpResponse<String> replay = put("m-attack-7", once, 10, junk);
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(401);
            assertThat(replay.body()).contains("used before");

            assertThat(stagedOnB()).as("nothing staged by any of them").isEmpty();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(cluster.node("hostb").restores()
                    .url("/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("the actuator as before").isEqualTo(200);
        } finally {
            io.ferry.core.os.FileTrees.deleteRecursively(elsewhere);
        }
    }
}
