package io.ferry.gateway;

import io.ferry.core.testing.ServiceProcess;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, direct transfer under faults (real runc + CRIU, real services): a stream altered on the way
 * is refused by the target and the source runs on; a target killed mid-stream leaves the source running
 * and, once restarted, nothing staged. Plaintext archives here, so that an altered stream still unpacks
 * and only the digest check can catch it; B's restore-service advertises a proxy in the middle.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectTransferFaultsTest {
    private static final Duration MIGRATION = Duration.ofSeconds(120);
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "ROLLED_BACK", "FAILED");
    private FerryCluster cluster;
    private TamperingProxy proxy;
    private TestHost a;
    private TestHost b;

    @BeforeAll
    void start() {
        try {
            proxy = new TamperingProxy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> plain = List.of("--ferry.host.encrypt-checkpoints=false");
        cluster = FerryCluster.start(Map.of("hosta", plain, "hostb", List.of("--ferry.host.encrypt-checkpoints=false",
                "--ferry.host.transfer.advertised-url=" + proxy.url())), "hosta", "hostb");
        proxy.upstream = "http://127.0.0.1:" + cluster.node("hostb").restores().port() + "/transfers";
        a = cluster.node("hosta").host();
        b = cluster.node("hostb").host();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private void onA(String name) {
        MemoryChecksums.run(a, name, 16L << 20);
        FerryCluster.await(() -> cluster.get("/api/hosts/" + a.host().id() + "/containers").body().contains("\"" + name + "\""),
                Duration.ofSeconds(30), "the gateway to see " + name);
    }

    private String started(String container) {
        HttpResponse<String> created = cluster.post("/api/migrations", "{\"container\":\"" + container + "\",\"sourceHost\":\""
                + a.host().id() + "\",\"targetHost\":\"" + b.host().id() + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
    }

    private void countsOnA(String name) {
        int now = a.log(name).last();
        a.log(name).awaitNumberAtLeast(now + 2, Duration.ofSeconds(30));
    }

    @Test
    void aStreamAlteredOnTheWayIsRefusedByTheTargetAndTheSourceRunsOn() {
        onA("tampered");
        proxy.tamper = true;
        try {
            String id = started("tampered");
            JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

            assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("ROLLED_BACK");
            assertThat(m.path("error").asString()).as(m.toString()).contains("not the").contains("its source signed");
            assertThat(a.running("tampered")).isTrue();
            countsOnA("tampered");
            assertThat(b.engine().containers().store().find("tampered")).isEmpty();
            assertThat(b.engine().transfers().stagedDirectories()).as("the refused transfer is removed").isEmpty();
        } finally {
            proxy.tamper = false;
        }
    }

    @Test
    void aTargetKilledMidStreamLeavesTheSourceRunningAndNothingStagedAfterItsRestart() {
        onA("cut-stream");
        ServiceProcess restores = cluster.node("hostb").restores();
        restores.restartWith(Map.of("FERRY_FAILPOINTS", "transfer.mid-stream=halt"));
        restores.awaitHealthy(Duration.ofMinutes(2));
        FerryCluster.await(() -> io.ferry.core.json.Json.MAPPER.readTree(cluster.get("/api/hosts/" + b.host().id()).body())
                .path("services").path("restore").path("up").asBoolean(false), Duration.ofSeconds(30), "B's restore-service up");

        String id = started("cut-stream");
        assertThat(restores.awaitExit(MIGRATION)).as("restore-service halted mid-stream").hasValue(137);
        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION);

        assertThat(m.path("state").asString()).as(m.toString()).isIn("FAILED", "ROLLED_BACK");
        assertThat(m.path("error").asString()).as(m.toString()).contains("runs on " + a.host().id());
        assertThat(a.running("cut-stream")).as("the source runs again").isTrue();
        countsOnA("cut-stream");
        assertThat(b.engine().transfers().stagedDirectories()).as("what the killed transfer left").isNotEmpty();
        restores.restart();
        restores.awaitHealthy(Duration.ofMinutes(2));
        assertThat(b.engine().transfers().stagedDirectories()).as("swept at start").isEmpty();
        assertThat(b.leftoverMounts()).as("no tmpfs of the transfer left mounted").isEmpty();
    }
}
