package io.ferry.cli;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.FakeRegistry;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ferry command end to end on real containers: what a user types, what they see, the exit codes. */
@Tag("host")
class FerryCliTest {
    private TestHost a;
    private TestHost b;
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeEach
    void hosts() {
        a = TestHost.create("clia");
        b = TestHost.create("clib");
    }

    @AfterEach
    void cleanUp() {
        a.close();
        b.close();
    }

    static Run ferry(TestHost host, String... args) {
        List<String> argv = new ArrayList<>(List.of("--host-id", host.host().id(), "--root", host.host().root().toString()));
        argv.addAll(List.of(args));
        return ferryRaw(argv.toArray(String[]::new));
    }

    static synchronized Run ferryRaw(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = FerryCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void psAllShowsAContainerWithoutARecordAndRmForceRemovesIt() throws java.io.IOException {
        var looper = a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        // a crash between the runtime and the record leaves a runc container Ferry has no record of
        java.nio.file.Files.delete(a.engine().containers().store().layout(looper.id()).record());

        Run ps = ferry(a, "ps", "-a");
        assertThat(ps.exit()).as(ps.err()).isZero();
        assertThat(ps.out()).contains(looper.config().shortId()).contains("orphan (running)");

        Run rm = ferry(a, "rm", "-f", looper.config().shortId());
        assertThat(rm.exit()).as(rm.err()).isZero();
        assertThat(rm.out()).contains(looper.id());
        assertThat(ferry(a, "ps", "-a").out()).doesNotContain(looper.config().shortId());
        assertThat(a.runcContainers()).isEmpty();
        assertThat(a.leftoverContainerDirs()).isEmpty();
        assertThat(a.leftoverNetns()).isEmpty();
    }

    @Test
    void theSeedScenarioThroughTheCommandLine() {
        assertThat(ferry(b, "image", "import", BusyboxImage.tarball().toString(), "busybox").exit()).isZero();
        Run run = ferry(a, "run", "-d", "--name", "looper", "busybox", "sh", "-c", TestHost.LOOPER);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().strip()).matches("[0-9a-f]{64}");
        a.log("looper").awaitNumberAtLeast(2, Duration.ofSeconds(20));
        assertThat(ferry(a, "ps").out()).contains("looper").contains("running");

        Path archive = tmp.resolve("looper.tar.zst");
        Run checkpoint = ferry(a, "checkpoint", "looper", "--export", archive.toString(), "--print-stats");
        assertThat(checkpoint.exit()).as(checkpoint.err()).isZero();
        assertThat(checkpoint.out()).contains("\"runtime_checkpoint_duration\"").contains("\"frozen_time\"");
        assertThat(ferry(a, "ps", "-a").out()).contains("exited (checkpointed)");

        Run inspect = ferry(a, "inspect", archive.toString());
        assertThat(inspect.out()).contains("Container:     looper").contains("Runtime:       runc")
                .contains("(zstd)").contains("Process tree:").contains("] sh").contains("] sleep");

        Run restore = ferry(b, "restore", "--import", archive.toString(), "--name", "moved");
        assertThat(restore.exit()).as(restore.err()).isZero();
        int before = a.log("looper").last();
        b.log("moved").awaitNumberAtLeast(before + 2, Duration.ofSeconds(20));
        assertThat(ferry(b, "logs", "moved").out()).startsWith("0\n1\n");

        assertThat(ferry(a, "rm", "looper").exit()).isZero();
        assertThat(ferry(b, "stop", "moved").exit()).isZero();
        assertThat(ferry(b, "ps", "-a").out()).contains("moved").contains("exited");
    }

    @Test
    void aRegistryCredentialNamesItsHostAndAnArchiveFromAnotherRegistryIsRefused() {
        Run bare = ferry(a, "--creds", "ferry:secret", "ps");
        assertThat(bare.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(bare.err()).contains("Error: --creds must be HOST[:PORT]=USER:PASSWORD");

        try (FakeRegistry evil = FakeRegistry.start()) {
            Path archive = a.checkpointLooper(tmp.resolve("looper.tar.zst"), CheckpointOptions.defaults());
            String image = evil.address() + "/library/busybox:1";
            Path elsewhere = new ArchiveRewriter().change("config.dump", json -> {
                ObjectNode config = (ObjectNode) Json.MAPPER.readTree(json);
                ((ObjectNode) config.get("container")).put("image", image);
                return Json.bytes(config);
            }).writeTo(archive, tmp.resolve("elsewhere.tar.zst"));

            Run restore = ferry(b, "--creds", "registry.example:5000=ferry:secret", "restore", "-i", elsewhere.toString());

            assertThat(restore.exit()).as(restore.err()).isEqualTo(FerryCli.EXIT_INVALID_ARCHIVE);
            assertThat(restore.err()).contains("Error: the archive's image " + image + " names registry "
                    + evil.address() + ", which is not an allowed registry of this host (allowed: registry.example:5000)");
            assertThat(evil.requests()).isEmpty();
            assertThat(b.leftoverContainerDirs()).isEmpty();
        }
    }

    @Test
    void errorsAreSpecificAndHaveTheirOwnExitCodes() {
        Run missing = ferry(a, "rm", "nosuch");
        assertThat(missing.exit()).isEqualTo(FerryCli.EXIT_NOT_FOUND);
        assertThat(missing.err()).contains("Error: no container with name or ID \"nosuch\" found");

        Run noArchive = ferry(a, "restore", "-i", tmp.resolve("none.tar").toString());
        assertThat(noArchive.exit()).isEqualTo(FerryCli.EXIT_NOT_FOUND);
        assertThat(noArchive.err()).contains("checkpoint archive " + tmp.resolve("none.tar") + " not found");

        Run noImage = ferry(a, "run", "-d", "nosuchimage", "true");
        assertThat(noImage.exit()).isEqualTo(FerryCli.EXIT_NOT_FOUND);
        assertThat(noImage.err()).contains("Error: image not known: nosuchimage");

        a.runLooper("looper");
        Run busyName = ferry(a, "run", "-d", "--name", "looper", "busybox", "true");
        assertThat(busyName.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        Run running = ferry(a, "rm", "looper");
        assertThat(running.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(running.err()).contains("cannot remove container").contains("without force");

        Run badCompression = ferry(a, "checkpoint", "looper", "-e", tmp.resolve("x").toString(), "--compress", "lz4");
        assertThat(badCompression.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(badCompression.err()).contains("unknown compression \"lz4\"");

        Run volumeInUse = ferry(a, "volume", "create", "v1");
        assertThat(volumeInUse.exit()).isZero();
        assertThat(ferry(a, "volume", "create", "v1").exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(ferry(a, "volume", "ls").out()).contains("v1");
        assertThat(ferry(a, "volume", "rm", "v1").exit()).isZero();
    }

    @Test
    void doctorReportsAWorkingHost() {
        Run doctor = ferryRaw("doctor");
        assertThat(doctor.exit()).as(doctor.out()).isZero();
        assertThat(doctor.out()).contains("runc").contains("criu check").contains("Looks good")
                .contains("self-test dump").contains("checkpointing can work on this host");
    }
}
