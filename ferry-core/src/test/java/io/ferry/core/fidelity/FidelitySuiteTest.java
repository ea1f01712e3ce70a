package io.ferry.core.fidelity;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointResult;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.error.ConflictException;
import io.ferry.core.exec.Commands;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kinds of kernel state, each set up by a small program in its own Ferry container on host A, checkpointed
 * with export, restored with import on host B, and checked there: the program prints a counter only while
 * its state works (FAIL lines otherwise), so a restored one must count on from where it stopped, every
 * number once. File locks are part INPLACE's (--file-locks) and are not here. The unix listener and the
 * memory-mapped file are small static C programs (src/test/resources/.../fidelity), compiled here.
 */
@Tag("host")
class FidelitySuiteTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String COUNT = "i=0; while true; do echo $i; i=$((i+1)); usleep 300000; done";

    /** Name -> busybox shell script. Each prints the counter while its state holds. */
    private static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        // a FIFO in the writable layer, open by a writer (a child) and a reader (the shell) at checkpoint time
        KINDS.put("fifo", "mkfifo -m 640 /tmp/f; chown 1000:1001 /tmp/f; (" + COUNT + ") > /tmp/f &"
                + " exec 3< /tmp/f; while read -r n <&3; do echo $n; done; echo FAIL eof");
        KINDS.put("pipe", "(" + COUNT + ") | while read -r n; do echo $n; done");
        KINDS.put("sleep", "i=0; while true; do echo $i; i=$((i+1)); sleep 1; done");
        KINDS.put("child-tree", "(sh -c '(" + COUNT + ") & wait' & wait) & wait");
        KINDS.put("unlinked-file", "exec 4<>/tmp/u; echo hello >&4; rm /tmp/u; i=0; while true;"
                + " do if [ \"$(cat /proc/$$/fd/4)\" = hello ]; then echo $i; else echo FAIL unlinked; fi;"
                + " i=$((i+1)); usleep 300000; done");
        KINDS.put("dev-shm", "echo shm > /dev/shm/x; i=0; while true;"
                + " do if [ \"$(cat /dev/shm/x)\" = shm ]; then echo $i; else echo FAIL shm; fi;"
                + " i=$((i+1)); usleep 300000; done");
    }

    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    /** Migrates one container per kind from A to B; reports every kind's outcome, fails listing the broken ones. */
    @Test
    void everyKindOfStateCountsOnAfterMovingToAnotherHost() throws IOException {
        TestHost a = hosts.create("fid-a");
        TestHost b = hosts.create("fid-b");
        Map<String, String> scripts = new LinkedHashMap<>(KINDS);
        scripts.put("unix-socket", "while [ ! -x /tmp/listen ]; do usleep 50000; done; exec /tmp/listen /tmp/app.sock");
        scripts.put("mapped-file", "while [ ! -x /tmp/mapped-file ]; do usleep 50000; done; exec /tmp/mapped-file /tmp/m");
        for (Map.Entry<String, String> k : scripts.entrySet()) {
            a.run(k.getKey(), k.getValue());
        }
        install("unix-listener.c", a.rootfs("unix-socket").resolve("tmp/listen"));
        install("mapped-file.c", a.rootfs("mapped-file").resolve("tmp/mapped-file"));

        Map<String, String> outcome = new LinkedHashMap<>();
        for (String kind : scripts.keySet()) {
            outcome.put(kind, migrate(a, b, kind));
        }

        System.out.println("fidelity: " + outcome);
        List<String> broken = new ArrayList<>();
        outcome.forEach((k, v) -> {
            if (!v.equals("pass")) {
                broken.add(k + ": " + v);
            }
        });
        assertThat(broken).as("kinds that did not survive the move").isEmpty();
        Path fifo = b.rootfs("fifo").resolve("tmp/f");
        assertThat(Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0010640);
        assertThat(Files.getAttribute(fifo, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1000);
        assertThat(Files.getAttribute(fifo, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1001);
    }

    private String migrate(TestHost a, TestHost b, String kind) {
        try {
            ContainerLog before = a.log(kind).await(l -> l.numbers().size() >= 3, WAIT, kind + " counting");
            assertThat(before.lines()).as(kind + " before").noneMatch(l -> l.startsWith("FAIL"));
            Path archive = tmp.resolve(kind + ".tar.zst");
            CheckpointResult r = a.engine().checkpoint(kind, CheckpointOptions.defaults(), ArchiveTarget.file(archive))
                    .result();
            if (kind.equals("unix-socket")) {
                assertThat(r.warnings()).as("the skipped socket file is named").singleElement()
                        .asString().contains("/tmp/app.sock");
            }
            int stoppedAt = a.log(kind).last();
            b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());
            ContainerLog after = b.log(kind).await(l -> l.last() >= stoppedAt + 3 || l.lines().stream()
                    .anyMatch(x -> x.startsWith("FAIL")), WAIT, kind + " counting on");
            List<Integer> n = after.numbers();
            for (int i = 0; i < n.size(); i++) {
                if (n.get(i) != i) {
                    return "counter broken at line " + i + ": " + n;
                }
            }
            List<String> fails = after.lines().stream().filter(l -> l.startsWith("FAIL")).toList();
            return fails.isEmpty() ? "pass" : "restored but " + fails.get(0);
        } catch (RuntimeException | AssertionError e) {
            return "failed: " + e.getMessage();
        }
    }

    /**
     * Compiles a test program statically (gcc and glibc's libc.a, as on a Ferry build host: busybox has no unix
     * stream listener and no mmap) into a running container's root filesystem, which waits for it.
     */
    private void install(String resource, Path target) throws IOException {
        Path source = tmp.resolve(resource);
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, source);
        }
        Path binary = tmp.resolve(resource + ".bin");
        Commands.check("compiling " + resource + " (needs gcc and libc6-dev)", List.of("gcc", "-static", "-O2",
                "-o", binary.toString(), source.toString()), Duration.ofSeconds(60));
        Files.copy(binary, target.resolveSibling("listen.tmp"));
        Files.move(target.resolveSibling("listen.tmp"), target); // the container waits for it to be executable
    }

    /**
     * A SIGSTOPped process: runc's dump would hang on it until the checkpoint timeout. Refused at once,
     * naming the process and what to do; the container keeps running.
     */
    @Test
    void aStoppedProcessIsRefusedAtOnceAndTheContainerRunsOn() {
        TestHost a = hosts.create("fid-stop", EngineSettings.defaults().withCheckpointTimeout(Duration.ofSeconds(30)));
        a.run("stopped", "sleep 1000 & kill -STOP $!; " + COUNT);
        a.log("stopped").awaitNumberAtLeast(2, WAIT);

        long start = System.nanoTime();
        assertThatThrownBy(() -> a.engine().checkpoint("stopped", CheckpointOptions.defaults(),
                ArchiveTarget.file(tmp.resolve("stopped.tar.zst"))).result())
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("cannot checkpoint container stopped: process ")
                .hasMessageContaining("sleep 1000")
                .hasMessageContaining("is stopped")
                .hasMessageContaining("kill -CONT ");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("refused at once, not after the timeout").isLessThan(Duration.ofSeconds(10));
        assertThat(a.running("stopped")).isTrue();
        int at = a.log("stopped").last();
        a.log("stopped").awaitNumberAtLeast(at + 2, WAIT);
    }
}
