package io.ferry.gateway;

import io.ferry.core.container.ContainerView;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.ServiceProcess;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host service killed (FERRY_FAILPOINTS=...=halt, as kill -9) at the worst moment of a migration and
 * started again: the migration still ends with exactly one running copy, and says truthfully what happened.
 */
class HostCrashTest extends TwoHostMigrationTest {
    private static final Duration RESTART = Duration.ofMinutes(2);

    /** Restarts the service with the failpoint, waits until the gateway sees the host up again. */
    private void armed(ServiceProcess service, String failpoint) {
        service.restartWith(Map.of("FERRY_FAILPOINTS", failpoint + "=halt"));
        service.awaitHealthy(RESTART);
        FerryCluster.await(() -> servicesUp(a) && servicesUp(b), Duration.ofSeconds(30), "both hosts' services to be up");
    }

    private boolean servicesUp(TestHost host) {
        JsonNode services = Json.MAPPER.readTree(cluster.get("/api/hosts/" + host.host().id()).body()).path("services");
        return services.path("checkpoint").path("up").asBoolean(false) && services.path("restore").path("up").asBoolean(false);
    }

    private static void countsOnWithoutAGap(ContainerLog log, int before) {
        List<Integer> n = log.awaitNumberAtLeast(before + 2, Duration.ofSeconds(30)).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter: %s", n).isEqualTo(i);
        }
    }

    private static long runningNamed(TestHost host, String name) {
        return host.engine().containers().list(false).stream().map(ContainerView::record)
                .filter(r -> r.name().equals(name)).count();
    }

    @Test
    void aRestoreServiceKilledAfterCriuRestoredTheCopyAdoptsItAndTheMigrationCompletes() {
        ServiceProcess restores = cluster.node("hostb").restores();
        looperOnA("adopted-looper");
        int before = a.log("adopted-looper").last();
        armed(restores, "restore.after-runtime");

        String id = started("adopted-looper");
        assertThat(restores.awaitExit(MIGRATION)).as("restore-service halted at the failpoint").hasValue(137);
        assertThat(b.runcContainers()).as("the copy CRIU restored on B runs on without its service").hasSize(1);
        restores.restart();
        restores.awaitHealthy(RESTART);

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION.multipliedBy(2));

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("COMPLETED");
        assertThat(runningNamed(b, "adopted-looper")).as("ferry ps on B lists the adopted copy").isEqualTo(1);
        assertThat(b.runcContainers()).as("one copy on B, never restored twice").hasSize(1);
        assertThat(b.engine().containers().orphans()).isEmpty();
        awaitSourceCopyGone("adopted-looper"); // no copy on A
        assertThat(a.runcContainers()).as("nothing of it runs on A").isEmpty();
        countsOnWithoutAGap(b.log("adopted-looper"), before);
    }

    @Test
    void aCheckpointServiceKilledAfterTheDumpSaysSoAndTheMigrationRollsBack() throws Exception {
        ServiceProcess checkpoints = cluster.node("hosta").checkpoints();
        looperOnA("cutoff-looper");
        int before = a.log("cutoff-looper").last();
        armed(checkpoints, "checkpoint.after-dump");

        String id = started("cutoff-looper");
        assertThat(checkpoints.awaitExit(MIGRATION)).as("checkpoint-service halted at the failpoint").hasValue(137);
        checkpoints.restart();
        checkpoints.awaitHealthy(RESTART);

        JsonNode m = cluster.awaitMigration(id, TERMINAL, MIGRATION.multipliedBy(2));

        assertThat(m.path("state").asString()).as(m.toString()).isEqualTo("ROLLED_BACK");
        assertThat(m.path("error").asString()).as(m.toString())
                .contains("for migration " + id + " was cut off")
                .contains("the container is stopped and its complete dump is kept on this host")
                .doesNotContain("only running containers can be checkpointed");
        assertThat(a.running("cutoff-looper")).isTrue();
        assertThat(b.engine().containers().store().find("cutoff-looper")).isEmpty();
        countsOnWithoutAGap(a.log("cutoff-looper"), before);
        var layout = a.engine().containers().store().layout(a.engine().containers().get("cutoff-looper").id());
        assertThat(layout.checkpointImages()).as("the CRIU images kept for the rollback, once it is done").doesNotExist();
        assertThat(Files.exists(layout.checkpointIntent())).isFalse();
    }
}
