package io.ferry.gateway;

import io.ferry.core.engine.HostFeatures;
import io.ferry.core.json.Json;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A post-copy migration through the whole system (two hosts' services as processes, the gateway, Kafka, the
 * registry; real runc and CRIU lazy pages): a container holding random memory moves from A to B, runs on B
 * while its pages arrive from A's page server, and the migration completes once they all have. The memory's
 * checksum, printed by the container at start, is computed again on B afterwards and must be the same.
 *
 * <p>Skipped, saying so, only where this host's engine reports that post-copy does not work
 * ({@code FerryEngine.features().postCopy()} false, with its reason): until the post-copy engine lands, and on a
 * kernel without userfaultfd.
 */
class PostCopyMigrationTest extends TwoHostMigrationTest {
    /** 48 MiB of random bytes (64 MiB of base64) in a shell variable; its md5 at start and whenever /check appears. */
    private static final String MEMORY = "x=$(head -c 50331648 /dev/urandom | base64 -w 0); "
            + "echo \"sum $(printf %s \"$x\" | md5sum | cut -c1-32)\"; "
            + "i=0; while true; do if [ -e /check ]; then rm -f /check; "
            + "echo \"sum $(printf %s \"$x\" | md5sum | cut -c1-32)\"; fi; echo $i; i=$((i+1)); sleep 1; done";

    private HostFeatures features;

    @BeforeAll
    void probeFeatures() {
        try (TestHost probe = TestHost.create("pcprobe")) {
            features = probe.engine().features();
        }
    }

    /** In the test, not in @BeforeAll: a skip is then reported as such, with its reason. */
    private void assumePostCopy() {
        Assumptions.assumeTrue(features.postCopy(), () -> "SKIPPED: post-copy does not work on this host according to the"
                + " engine (FerryEngine.features().postCopyUnavailable(): " + features.postCopyUnavailable()
                + "); this test needs CRIU lazy pages");
    }

    @Test
    void aContainerWithRandomMemoryMovesPostCopyAndItsMemoryIsIntactOnTheTarget() throws IOException {
        assumePostCopy();
        a.run("pc-mem", MEMORY);
        String sum = awaitSums(a, 1).get(0);
        FerryCluster.await(() -> cluster.get("/api/hosts/" + a.host().id() + "/containers").body().contains("\"pc-mem\""),
                Duration.ofSeconds(30), "the gateway to see pc-mem on " + a.host().id());
        FerryCluster.await(() -> cluster.get("/api/hosts").body().contains("post-copy"), Duration.ofSeconds(30),
                "the hosts' heartbeats to list feature post-copy");

        HttpResponse<String> created = cluster.post("/api/migrations", "{\"container\":\"pc-mem\",\"sourceHost\":\""
                + a.host().id() + "\",\"targetHost\":\"" + b.host().id() + "\",\"postCopy\":true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");

        JsonNode m = cluster.awaitMigration(id, TERMINAL, Duration.ofMinutes(3));

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertThat(m.path("pages").path("pending").asBoolean()).isFalse();
        assertThat(m.path("pages").path("bytes").asLong()).as(m.toString()).isPositive();
        assertThat(timeline(id)).containsSubsequence("CheckpointCommand", "CheckpointCompleted", "RestoreCommand",
                "RestoreCompleted", "PagesTransferred", "FinalizeCommand", "SourceFinalized", "MigrationCompleted");
        assertThat(a.engine().containers().store().find("pc-mem")).as("finalize removed the source copy").isEmpty();

        int before = sums(b).size();
        Files.writeString(b.rootfs("pc-mem").resolve("check"), "");
        assertThat(awaitSums(b, before + 1).get(before)).as("the memory's checksum on the target").isEqualTo(sum);
        System.out.printf("post-copy migration %s: downtime %d ms, %d bytes of pages in %d ms%n", id,
                m.path("downtimeMillis").asLong(), m.path("pages").path("bytes").asLong(),
                m.path("pages").path("millis").asLong());
    }

    private List<String> timeline(String id) {
        List<String> types = new ArrayList<>();
        Json.MAPPER.readTree(cluster.get("/api/migrations/" + id + "/events").body()).forEach(e -> types.add(e.path("type").asString()));
        return types;
    }

    private static List<String> sums(TestHost host) {
        return host.log("pc-mem").lines().stream().filter(l -> l.startsWith("sum ")).map(l -> l.substring(4)).toList();
    }

    private static List<String> awaitSums(TestHost host, int n) {
        host.log("pc-mem").await(l -> sums(host).size() >= n, Duration.ofMinutes(2), n + " memory checksums");
        return sums(host);
    }
}
