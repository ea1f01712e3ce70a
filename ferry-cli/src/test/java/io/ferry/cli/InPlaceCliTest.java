package io.ferry.cli;

import io.ferry.core.container.RunRequest;
import io.ferry.core.json.Json;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.FlockTools;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 as a Podman user types it: {@code checkpoint CTR} / {@code restore CTR} without an archive, printing the
 * name as typed, -a/--all, -l/--latest, --keep, Podman's --rm rule, --file-locks and {@code container inspect}.
 * One host for the class; the --all/--latest test has one of its own (it acts on every container).
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InPlaceCliTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestHost a;
    @TempDir
    Path tmp;

    @BeforeAll
    void host() {
        a = TestHost.create("inplacecli");
    }

    @AfterAll
    void cleanUp() {
        a.close();
    }

    private FerryCliTest.Run ferry(String... args) {
        return FerryCliTest.ferry(a, args);
    }

    private JsonNode inspect(String container) {
        FerryCliTest.Run r = ferry("container", "inspect", container);
        assertThat(r.exit()).as(r.all()).isZero();
        return Json.MAPPER.readTree(r.out()).get(0);
    }

    /**
     * A migration's kept source copy (marked as a migration's checkpoint leaves it): `restore CTR` refuses it and
     * names --rollback; `restore --rollback CTR` brings it back counting on; --rollback with --all is refused.
     */
    @Test
    void restoreOfAMigrationsSourceCopyWantsRollback() {
        a.runLooper("srccopy");
        a.log("srccopy").awaitNumberAtLeast(1, WAIT);
        assertThat(ferry("checkpoint", "srccopy").exit()).isZero();
        var store = new io.ferry.core.container.ContainerStore(a.host().containers());
        var stopped = store.get("srccopy");
        store.save(stopped.withHistory(stopped.historyOrNone().checkpointed(java.time.Instant.now(), null, false, "m-42")));
        int stoppedAt = a.log("srccopy").last();

        FerryCliTest.Run plain = ferry("restore", "srccopy");
        FerryCliTest.Run all = ferry("restore", "--all", "--rollback");

        assertThat(plain.exit()).as(plain.all()).isNotZero();
        assertThat(plain.err()).contains("container srccopy is the source copy of migration m-42")
                .contains("`ferry restore --rollback srccopy`");
        assertThat(all.exit()).as(all.all()).isNotZero();
        assertThat(all.err()).contains("--rollback can only be used with checkpointed containers (not with --all");
        assertThat(a.running("srccopy")).isFalse();

        FerryCliTest.Run rollback = ferry("restore", "--rollback", "srccopy");

        assertThat(rollback.exit()).as(rollback.all()).isZero();
        assertThat(rollback.out()).isEqualTo("srccopy\n");
        assertThat(a.log("srccopy").awaitNumberAtLeast(stoppedAt + 2, WAIT).last()).isGreaterThan(stoppedAt);
        assertThat(ferry("rm", "-f", "srccopy").exit()).isZero();
    }

    @Test
    void checkpointAndRestoreByNameInPlacePrintTheNameAndContainerInspectShowsTheFlags() {
        String id = a.runLooper("web").id();
        a.log("web").awaitNumberAtLeast(1, WAIT);

        FerryCliTest.Run checkpoint = ferry("checkpoint", "web");

        assertThat(checkpoint.exit()).as(checkpoint.all()).isZero();
        assertThat(checkpoint.out()).isEqualTo("web\n");
        assertThat(ferry("ps", "-a").out()).contains("exited (checkpointed)");
        JsonNode stopped = inspect("web");
        assertThat(stopped.get("Id").asString()).isEqualTo(id);
        assertThat(stopped.get("Path").asString()).isEqualTo("sh");
        assertThat(stopped.get("ImageName").asString()).isEqualTo(BusyboxImage.REF);
        assertThat(stopped.at("/State/Status").asString()).isEqualTo("exited");
        assertThat(stopped.at("/State/Checkpointed").asBoolean()).isTrue();
        assertThat(stopped.at("/State/CheckpointedAt").asString()).isNotEqualTo("0001-01-01T00:00:00Z");
        assertThat(stopped.at("/State/CheckpointPath").asString()).endsWith(id + "/checkpoint");
        assertThat(stopped.at("/State/Restored").asBoolean()).isFalse();
        int stoppedAt = a.log("web").last();

        FerryCliTest.Run restore = ferry("restore", "web");

        assertThat(restore.exit()).as(restore.all()).isZero();
        assertThat(restore.out()).isEqualTo("web\n");
        a.log("web").awaitNumberAtLeast(stoppedAt + 2, WAIT);
        JsonNode running = inspect("web");
        assertThat(running.get("Id").asString()).isEqualTo(id);
        assertThat(running.at("/State/Running").asBoolean()).isTrue();
        assertThat(running.at("/State/Pid").asLong()).isPositive();
        assertThat(running.at("/State/Restored").asBoolean()).isTrue();
        assertThat(running.at("/State/RestoredAt").asString()).isNotEqualTo("0001-01-01T00:00:00Z");
        assertThat(running.at("/State/CheckpointPath").asString()).as("no --keep: gone once restored").isEmpty();
        assertThat(running.at("/Ferry/RestoredFrom").asString()).isEmpty();
        assertThat(ferry("inspect", "web").out()).as("`ferry inspect CONTAINER` stays").contains("\"Checkpointed\"");
        FerryCliTest.Run again = ferry("restore", "web");
        assertThat(again.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(again.err()).isEqualTo("Error: container " + id + " is running or paused, cannot restore: container"
                + " state improper\n");
    }

    @Test
    void keepKeepsCriuImagesAndLogsAndSaysWhere() throws Exception {
        a.runLooper("kept");
        a.log("kept").awaitNumberAtLeast(1, WAIT);

        FerryCliTest.Run checkpoint = ferry("checkpoint", "--keep", "kept");

        assertThat(checkpoint.exit()).as(checkpoint.all()).isZero();
        JsonNode stopped = inspect("kept");
        String dir = stopped.at("/State/CheckpointPath").asString();
        assertThat(checkpoint.err()).contains(dir);
        assertThat(Files.readString(Path.of(stopped.at("/State/CheckpointLog").asString())))
                .contains("Dumping finished successfully");

        FerryCliTest.Run restore = ferry("restore", "-k", "kept");

        assertThat(restore.exit()).as(restore.all()).isZero();
        JsonNode running = inspect("kept");
        assertThat(restore.err()).contains(running.at("/State/RestoreLog").asString());
        assertThat(Files.readString(Path.of(running.at("/State/RestoreLog").asString())))
                .contains("Restore finished successfully");
        assertThat(running.at("/State/CheckpointPath").asString()).isEqualTo(dir);
    }

    @Test
    void allAndLatestActOnEveryContainerOrTheLastCreatedAndPrintIds() {
        try (TestHost b = TestHost.create("inplaceall")) {
            String first = b.runLooper("one").id();
            String second = b.runLooper("two").id();
            b.log("two").awaitNumberAtLeast(1, WAIT);

            FerryCliTest.Run latest = FerryCliTest.ferry(b, "checkpoint", "-l");
            assertThat(latest.exit()).as(latest.all()).isZero();
            assertThat(latest.out()).isEqualTo(second + "\n");
            assertThat(b.running("one")).isTrue();
            assertThat(FerryCliTest.ferry(b, "restore", "--latest").out()).isEqualTo(second + "\n");

            FerryCliTest.Run all = FerryCliTest.ferry(b, "checkpoint", "--all");
            assertThat(all.exit()).as(all.all()).isZero();
            assertThat(all.out()).isEqualTo(first + "\n" + second + "\n");
            assertThat(b.running("one") || b.running("two")).isFalse();

            FerryCliTest.Run restoreAll = FerryCliTest.ferry(b, "restore", "-a");
            assertThat(restoreAll.exit()).as(restoreAll.all()).isZero();
            assertThat(restoreAll.out()).isEqualTo(first + "\n" + second + "\n");
            assertThat(b.running("one") && b.running("two")).isTrue();

            assertThat(FerryCliTest.ferry(b, "checkpoint", "-a", "one").err())
                    .contains("no arguments are needed with --all");
            assertThat(FerryCliTest.ferry(b, "restore", "-l", "one").err())
                    .contains("--all or --latest and containers cannot be used together");
        }
    }

    @Test
    void aContainerRunWithRmIsRefusedWithoutExportInPodmansWordsAndRemovedOnceExported() {
        a.engine().containers().run(new RunRequest("once", BusyboxImage.REF, List.of("sh", "-c", TestHost.LOOPER),
                List.of()).removingOnExit());

        FerryCliTest.Run r = ferry("checkpoint", "once");

        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(r.err()).isEqualTo("Error: cannot checkpoint containers that have been started with '--rm' unless"
                + " '--export' is used\n");
        FerryCliTest.Run image = ferry("checkpoint", "--create-image", "once-ckpt", "once");
        assertThat(image.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(image.err()).contains("unless '--export' is used");
        assertThat(a.running("once")).isTrue();

        FerryCliTest.Run exported = ferry("checkpoint", "once", "-e", tmp.resolve("once.tar.zst").toString());
        assertThat(exported.exit()).as(exported.all()).isZero();
        assertThat(a.engine().find("once")).as("a --rm container is removed once exported, as Podman does").isEmpty();
    }

    @Test
    void fileLocksOnCheckpointAndRestore() throws Exception {
        String flock = FlockTools.FLOCK;
        a.run("locked", "exec " + flock + " -x /lk /bin/sh -c 'while true; do if " + flock + " -n /lk true; then"
                + " echo free; else echo held; fi; sleep 1; done'", FlockTools.install(a, "clitools"));
        a.log("locked").await(l -> l.lines().contains("held"), WAIT, "the lock taken");
        Path archive = tmp.resolve("locked.tar.zst");

        FerryCliTest.Run refused = ferry("checkpoint", "locked", "-e", archive.toString());
        assertThat(refused.exit()).isEqualTo(FerryCli.EXIT_TOOL_FAILED);
        assertThat(refused.err()).contains("checkpoint it with `ferry checkpoint --file-locks`");

        assertThat(ferry("checkpoint", "--file-locks", "locked", "-e", archive.toString()).exit()).isZero();
        assertThat(ferry("rm", "locked").exit()).isZero();
        FerryCliTest.Run without = ferry("restore", "-i", archive.toString(), "--ignore-volumes");
        assertThat(without.err()).contains("restore with --file-locks");
        FerryCliTest.Run with = ferry("restore", "-i", archive.toString(), "--ignore-volumes", "--file-locks");
        assertThat(with.exit()).as(with.all()).isZero();
        int before = a.log("locked").lines().size();
        List<String> after = a.log("locked").await(l -> l.lines().size() >= before + 2, WAIT, "lines after the restore")
                .lines();
        assertThat(after.subList(before, after.size())).containsOnly("held");
    }

    @Test
    void podmansRefusalsOfCheckpointFlags() {
        assertThat(ferry("checkpoint").err()).contains("you must provide at least one name or id");
        assertThat(ferry("checkpoint", "--ignore-rootfs", "x").err()).contains("--ignore-rootfs can only be used with --export");
        assertThat(ferry("checkpoint", "-c", "gzip", "x").err()).contains("--compress can only be used with --export");
        assertThat(ferry("checkpoint", "--create-image", "img", "-e", "f", "x").err())
                .contains("--export and --create-image cannot be used together");
        FerryCliTest.Run missing = ferry("container", "inspect", "nope");
        assertThat(missing.exit()).isEqualTo(FerryCli.EXIT_NOT_FOUND);
        assertThat(missing.err()).contains("no container with name or ID \"nope\" found");
    }
}
