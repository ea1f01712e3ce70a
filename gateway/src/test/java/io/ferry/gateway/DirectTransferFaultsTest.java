package io.ferry.gateway;

import io.ferry.core.testing.ServiceProcess;
import io.ferry.gateway.host.Hosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, direct transfer under faults (real runc + CRIU, real services): a stream altered on the way
 * is refused by the target and the source runs on; a target killed mid-stream leaves the source running
 * and, once restarted, nothing staged. Plaintext archives here, so that an altered stream still unpacks
 * and only the digest check can catch it; B's restore-service advertises a proxy in the middle.
 *
 * <p>On the shared cluster: for this class A's checkpoint-service and B's restore-service run with that set-up
 * (Spring's environment variables, so that it stays through this class's restarts), and with the usual one after.
 */
class DirectTransferFaultsTest extends TwoHostMigrationTest {
    private static final Duration MIGRATION = Duration.ofSeconds(120);
    private static final Duration RESTART = Duration.ofMinutes(2);
    private static final Map<String, String> PLAIN = Map.of("FERRY_HOST_ENCRYPTCHECKPOINTS", "false");
    private TamperingProxy proxy;
    private Map<String, String> viaProxy;

    @BeforeAll
    void plaintextThroughAProxy() {
        try {
            proxy = new TamperingProxy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy.upstream = "http://127.0.0.1:" + cluster.node("hostb").restores().port() + "/transfers";
        viaProxy = Map.of("FERRY_HOST_ENCRYPTCHECKPOINTS", "false", "FERRY_HOST_TRANSFER_ADVERTISEDURL", proxy.url());
        restartBoth(PLAIN, viaProxy);
        awaitTransferEndpoint(true);
    }

    /** Until the gateway's last heartbeat of B's restore-service (the one its preflight reads) names the proxy, or not. */
    private void awaitTransferEndpoint(boolean proxied) {
        FerryCluster.await(() -> cluster.gateway().getBean(Hosts.class).up(b.host().id(), "restore")
                        .map(up -> proxy.url().equals(up.service().transferEndpoint()) == proxied).orElse(false),
                Duration.ofSeconds(30), "B's restore-service to advertise " + (proxied ? "the proxy" : "itself"));
    }

    @AfterAll
    void usualServicesAgain() {
        try {
            restartBoth(Map.of(), Map.of());
            awaitTransferEndpoint(false);
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /** Restarts A's checkpoint-service and B's restore-service at once with these environments; waits until both are up. */
    private void restartBoth(Map<String, String> checkpointsEnv, Map<String, String> restoresEnv) {
        ServiceProcess checkpoints = cluster.node("hosta").checkpoints();
        ServiceProcess restores = cluster.node("hostb").restores();
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> {
            checkpoints.restartWith(checkpointsEnv);
            checkpoints.awaitHealthy(RESTART);
        });
        restores.restartWith(restoresEnv);
        restores.awaitHealthy(RESTART);
        a.join();
        FerryCluster.await(() -> servicesUp("hosta") && servicesUp("hostb"), Duration.ofSeconds(30), "both hosts' services up");
    }

    private boolean servicesUp(String label) {
        JsonNode services = io.ferry.core.json.Json.MAPPER.readTree(cluster.get("/api/hosts/" + cluster.hostId(label)).body())
                .path("services");
        return services.path("checkpoint").path("up").asBoolean(false) && services.path("restore").path("up").asBoolean(false);
    }

    private void onA(String name) {
        MemoryChecksums.run(a, name, 16L << 20);
        FerryCluster.await(() -> cluster.get("/api/hosts/" + a.host().id() + "/containers").body().contains("\"" + name + "\""),
                Duration.ofSeconds(30), "the gateway to see " + name);
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
        Map<String, String> armed = new java.util.HashMap<>(viaProxy);
        armed.put("FERRY_FAILPOINTS", "transfer.mid-stream=halt");
        restores.restartWith(armed);
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
        restores.restartWith(viaProxy);
        restores.awaitHealthy(Duration.ofMinutes(2));
        assertThat(b.engine().transfers().stagedDirectories()).as("swept at start").isEmpty();
        assertThat(b.leftoverMounts()).as("no tmpfs of the transfer left mounted").isEmpty();
    }
}
