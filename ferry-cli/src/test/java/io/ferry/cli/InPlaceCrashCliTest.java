package io.ferry.cli;

import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's invariant for an in-place checkpoint: `ferry checkpoint CTR` killed right after CRIU dumped and
 * stopped the container (failpoint checkpoint.after-dump, in a CLI process of its own) leaves no running copy
 * and a restorable one: `ferry restore CTR` brings it back counting on, and the next checkpoint works.
 */
@Tag("host")
class InPlaceCrashCliTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestHost a;

    @BeforeEach
    void host() {
        a = TestHost.create("inplacecrash");
    }

    @AfterEach
    void cleanUp() {
        a.close();
    }

    @Test
    void aCheckpointKilledAfterTheDumpLeavesTheContainerRestorableInPlace() throws Exception {
        a.runLooper("web");
        a.log("web").awaitNumberAtLeast(1, WAIT);

        ProcessBuilder pb = new ProcessBuilder(List.of(Path.java(), "-cp", System.getProperty("java.class.path"),
                FerryCli.class.getName(), "--host-id", a.host().id(), "--root", a.host().root().toString(),
                "checkpoint", "web")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("FERRY_FAILPOINTS", "checkpoint.after-dump=halt");
        Process cli = pb.start();
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as("halted at the failpoint").isEqualTo(137);

        assertThat(a.running("web")).as("dumped and stopped: no running copy").isFalse();
        int stoppedAt = a.log("web").last();
        FerryCliTest.Run restore = FerryCliTest.ferry(a, "restore", "web");
        assertThat(restore.exit()).as(restore.all()).isZero();
        a.log("web").awaitNumberAtLeast(stoppedAt + 2, WAIT);

        FerryCliTest.Run again = FerryCliTest.ferry(a, "checkpoint", "web");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(FerryCliTest.ferry(a, "restore", "web").exit()).isZero();
        assertThat(a.running("web")).isTrue();
    }

    /** The java binary of this JVM. */
    private static final class Path {
        static String java() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
    }
}
