package io.ferry.cli;

import io.ferry.cli.FerryCliTest.Run;
import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.json.Json;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, Podman's container lifecycle around a checkpoint through the ferry command, on real runc + CRIU:
 * start, exec (also in a restored container), pause/unpause, run --rm, anonymous volumes, diff. One host
 * for the class; each test uses its own containers.
 */
@Tag("host")
class LifecycleCliTest {
    private static TestHost a;
    private static Path tmp;

    @BeforeAll
    static void host() throws IOException {
        a = TestHost.create("life");
        tmp = Files.createTempDirectory("ferry-life-");
    }

    @AfterAll
    static void cleanUp() {
        try {
            a.close();
        } finally {
            io.ferry.core.os.FileTrees.deleteRecursively(tmp);
        }
    }

    private static Run ferry(String... args) {
        return FerryCliTest.ferry(a, args);
    }

    private static Run ok(String... args) {
        Run r = ferry(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.all()).isZero();
        return r;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void runLooper(String name, String... extra) {
        String[] args = new String[extra.length + 8];
        args[0] = "run";
        args[1] = "-d";
        args[2] = "--name";
        args[3] = name;
        System.arraycopy(extra, 0, args, 4, extra.length);
        args[extra.length + 4] = "busybox";
        args[extra.length + 5] = "sh";
        args[extra.length + 6] = "-c";
        args[extra.length + 7] = TestHost.LOOPER;
        ok(args);
        a.log(name).awaitNumberAtLeast(1, Duration.ofSeconds(20));
    }

    @Test
    void startRunsAStoppedAndACheckpointedContainerAgainWithItsCommandAnew() {
        runLooper("st");
        ok("stop", "-t", "0", "st");
        assertThat(ok("ps", "-a").out()).contains("st").contains("exited");

        Run start = ok("start", "st");
        assertThat(start.out()).isEqualTo("st\n"); // as typed
        assertThat(a.running("st")).isTrue();
        a.log("st").await(l -> l.lines().stream().filter("0"::equals).count() == 2, Duration.ofSeconds(20),
                "the command started anew (a second 0)");
        assertThat(ok("start", "st").out()).isEqualTo("st\n"); // a running one: left alone, as Podman

        ok("checkpoint", "st", "--export", tmp.resolve("st.tar.zst").toString());
        assertThat(ok("ps", "-a").out()).contains("exited (checkpointed)");
        ok("start", "st");
        assertThat(a.running("st")).isTrue();
        a.log("st").await(l -> l.lines().stream().filter("0"::equals).count() == 3, Duration.ofSeconds(20),
                "the checkpointed container started anew");
        ok("rm", "-f", "st");
    }

    @Test
    void execRunsInARunningAndARestoredContainerWithPodmansExitCodes() {
        runLooper("ex");
        Run echo = ferry("exec", "ex", "sh", "-c", "echo hi; exit 3");
        assertThat(echo.exit()).isEqualTo(3);
        assertThat(echo.out()).isEqualTo("hi\n");
        assertThat(ok("exec", "-e", "K=V", "-w", "/tmp", "ex", "sh", "-c", "echo $K $(pwd)").out()).isEqualTo("V /tmp\n");
        assertThat(ok("exec", "-u", "65534:65534", "ex", "id", "-u").out()).isEqualTo("65534\n");
        Run noUser = ferry("exec", "-u", "app", "ex", "true");
        assertThat(noUser.exit()).isEqualTo(125);
        assertThat(noUser.err()).contains("Error: unable to find user app: no matching entries in passwd file");
        ok("exec", "ex", "sh", "-c", "echo app:x:1000:1001::/:/bin/sh >> /etc/passwd");
        assertThat(ok("exec", "-u", "app", "ex", "sh", "-c", "echo $(id -u):$(id -g)").out()).isEqualTo("1000:1001\n");

        Run missing = ferry("exec", "ex", "no-such-command");
        assertThat(missing.exit()).as(missing.all()).isEqualTo(127);
        assertThat(missing.err()).contains("Error: runc: exec failed: unable to start container process: exec:"
                + " \"no-such-command\": executable file not found in $PATH: OCI runtime attempted to invoke a"
                + " command that was not found");
        Run notExecutable = ferry("exec", "ex", "/etc/deleteme");
        assertThat(notExecutable.exit()).as(notExecutable.all()).isEqualTo(126);
        assertThat(notExecutable.err()).contains("permission denied: OCI permission denied");
        Run noContainer = ferry("exec", "nope", "true");
        assertThat(noContainer.exit()).isEqualTo(125);
        assertThat(noContainer.err()).contains("no container with name or ID \"nope\" found");

        Path archive = tmp.resolve("ex.tar.zst");
        ok("checkpoint", "ex", "--export", archive.toString());
        Run stopped = ferry("exec", "ex", "true");
        assertThat(stopped.exit()).isEqualTo(125);
        assertThat(stopped.err()).contains("Error: can only create exec sessions on running containers:"
                + " container state improper");

        ok("rm", "ex");
        ok("restore", "--import", archive.toString());
        assertThat(ok("exec", "ex", "cat", "/etc/deleteme").out()).isEqualTo("in the image\n");
        int before = a.log("ex").last();
        a.log("ex").awaitNumberAtLeast(before + 1, Duration.ofSeconds(20)); // the restored looper goes on
        ok("rm", "-f", "ex");
    }

    @Test
    void pauseFreezesAndUnpauseThawsWithPodmansRefusalsAndNoCheckpointWhilePaused() {
        runLooper("pz");
        String id = a.engine().containers().get("pz").id();
        assertThat(ok("pause", "pz").out()).isEqualTo("pz\n");
        assertThat(ok("ps").out()).contains("pz").contains("paused");
        Run twice = ferry("pause", "pz");
        assertThat(twice.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(twice.err()).contains("Error: \"" + id + "\" is already paused: container state improper");
        int frozenAt = a.log("pz").last();

        Run checkpoint = ferry("checkpoint", "pz", "--export", tmp.resolve("pz.tar.zst").toString());
        assertThat(checkpoint.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(checkpoint.err()).contains("Error: \"paused\" is not running, cannot checkpoint: container state improper");
        assertThat(a.log("pz").last()).isEqualTo(frozenAt); // still frozen: the refusal did not thaw it

        assertThat(ok("unpause", "pz").out()).isEqualTo("pz\n");
        a.log("pz").awaitNumberAtLeast(frozenAt + 1, Duration.ofSeconds(20));
        Run again = ferry("unpause", "pz");
        assertThat(again.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(again.err()).contains("Error: \"" + id + "\" is not paused, can't unpause: container state improper");

        ok("checkpoint", "pz", "--export", tmp.resolve("pz.tar.zst").toString());
        Run checkpointed = ferry("pause", "pz");
        assertThat(checkpointed.exit()).isEqualTo(FerryCli.EXIT_CONFLICT);
        assertThat(checkpointed.err()).contains("Error: \"exited\" is not running, can't pause: container state improper");
        ok("rm", "pz");
    }

    @Test
    void runRmRemovesAContainerThatExitedOrWasStoppedButNeverACheckpointedOne() {
        ok("run", "--rm", "--name", "gone", "busybox", "sh", "-c", "echo bye");
        String goneId = a.engine().containers().get("gone").id();
        await(() -> !ok("ps", "-a").out().contains("gone"), "the exited --rm container to be removed");
        assertThat(a.leftoverContainerDirs()).doesNotContain(goneId);
        assertThat(a.runcContainers()).doesNotContain(goneId);

        runLooper("rmstop", "--rm");
        ok("stop", "-t", "0", "rmstop");
        assertThat(ok("ps", "-a").out()).doesNotContain("rmstop");

        runLooper("rmck", "--rm");
        ok("checkpoint", "rmck", "--export", tmp.resolve("rmck.tar.zst").toString());
        assertThat(ok("ps", "-a").out()).as("exported: removed, as Podman's cleanup does").doesNotContain("rmck");

        runLooper("rmmig", "--rm"); // checkpointed by the engine, as a migration's source is: kept for its rollback
        a.engine().checkpoint("rmmig", CheckpointOptions.defaults(), ArchiveTarget.file(tmp.resolve("rmmig.tar.zst")));
        assertThat(ok("ps", "-a").out()).contains("rmmig").contains("exited (checkpointed)");
        assertThat(ok("ps", "-a").out()).contains("rmmig"); // a second look: still kept
        ok("rm", "rmmig");
    }

    @Test
    void anonymousVolumesAreListedRemovedByRmVAndRecreatedByARestore() throws IOException {
        ok("run", "-d", "--name", "av", "-v", "/cache", "busybox", "sh", "-c",
                "echo kept > /cache/f; " + TestHost.LOOPER);
        a.log("av").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        String volume = a.engine().containers().get("av").config().volumes().get(0).name();
        assertThat(volume).matches("[0-9a-f]{64}");
        assertThat(ok("volume", "ls").out()).contains(volume);

        Path archive = tmp.resolve("av.tar.zst");
        ok("checkpoint", "av", "--export", archive.toString());
        ok("rm", "-v", "av");
        assertThat(ok("volume", "ls").out()).doesNotContain(volume);

        ok("restore", "--import", archive.toString());
        assertThat(ok("exec", "av", "cat", "/cache/f").out()).isEqualTo("kept\n");
        Path record = a.host().volumes().resolve(volume).resolve("volume.json");
        assertThat(Json.readTree(record).path("anonymous").asBoolean(false)).isTrue();

        ok("rm", "-f", "av"); // without -v: the anonymous volume stays
        assertThat(ok("volume", "ls").out()).contains(volume);
        ok("volume", "rm", volume);

        ok("run", "--rm", "--name", "avrm", "-v", "/scratch", "busybox", "sh", "-c", "true");
        String scratch = a.engine().containers().get("avrm").config().volumes().get(0).name();
        await(() -> !ok("volume", "ls").out().contains(scratch), "--rm to take the anonymous volume with it");
    }

    @Test
    void diffListsPodmansAddedChangedAndDeletedPaths() {
        ok("run", "-d", "--name", "df", "busybox", "sh", "-c",
                "echo more >> /etc/deleteme; rm /bin/ls; touch /tmp/new; mkdir -p /var/www/site; echo done; sleep 1000");
        a.log("df").await(l -> l.lines().contains("done"), Duration.ofSeconds(20), "the changes made");

        Run diff = ok("diff", "df");
        // /etc: copied up, not changed (a changed file does not change its directory); /var: the parent of an A
        assertThat(diff.out().lines().toList()).containsExactly("C /bin", "D /bin/ls", "C /etc/deleteme",
                "C /tmp", "A /tmp/new", "C /var", "C /var/www", "A /var/www/site");
        ok("rm", "-f", "df");
    }
}
