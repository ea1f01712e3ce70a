package io.ferry.cli;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.ferry.cli.FerryCliTest.ferry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, Podman's {@code run CHECKPOINT-IMAGE}: the command restores the container the image holds, under
 * its own name (or --name); {@code image ls} marks checkpoint images. Real runc and CRIU.
 */
@Tag("host")
class RunCheckpointImageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final TestHosts hosts = new TestHosts();

    @Test
    void runOfACheckpointImageRestoresItsContainerUnderItsOwnName() {
        TestHost a = hosts.create("clirun");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);
        a.engine().checkpointToImage("looper", CheckpointOptions.defaults(), "looper-checkpoint");
        int checkpointedAt = a.log("looper").last();

        FerryCliTest.Run ls = ferry(a, "image", "ls");
        assertThat(ls.exit()).as(ls.all()).isZero();
        assertThat(ls.out()).contains("CHECKPOINT").containsPattern("looper-checkpoint:latest .* looper\\n");
        assertThat(ls.out()).containsPattern("busybox:latest .*[^ ]\\n"); // a plain image: no CHECKPOINT value

        FerryCliTest.Run withCommand = ferry(a, "run", "looper-checkpoint", "true");
        assertThat(withCommand.exit()).isNotZero();
        assertThat(withCommand.err()).contains("is a checkpoint image: `ferry run` restores its container");

        a.engine().containers().remove("looper", true);
        FerryCliTest.Run run = ferry(a, "run", "-d", "looper-checkpoint");
        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out().strip()).isEqualTo(a.engine().find("looper").orElseThrow().record().id());
        a.log("looper").awaitNumberAtLeast(checkpointedAt + 2, WAIT);

        FerryCliTest.Run named = ferry(a, "run", "--name", "again", "looper-checkpoint");
        assertThat(named.exit()).as(named.all()).isZero();
        a.log("again").awaitNumberAtLeast(checkpointedAt + 2, WAIT);

        FerryCliTest.Run plain = ferry(a, "run", "busybox");
        assertThat(plain.err()).contains("no command given: ferry run needs IMAGE CMD [ARG...]");
    }
}
